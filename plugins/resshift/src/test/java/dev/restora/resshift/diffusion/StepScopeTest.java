package dev.restora.resshift.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.DiffusionLoop;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.SeededNoise;
import dev.restora.core.diffusion.Stage;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.RunContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ResShift samplers through the {@link DiffusionLoop} with a careless denoiser (its first operand is the run-long
 * conditioning, so its results join the run's manager): the run's manager never holds more arrays at a step than at
 * the first.
 */
class StepScopeTest {

    @Test
    void resShiftStepsLeaveTheRunScopeFlat() {
        EtaSchedule schedule = EtaSchedule.exponential(6, 0.3, 0.04, 0.99, 2.0, false);
        try (NDManager base = NDManager.newBaseManager(); NDManager run = base.newSubManager()) {
            NDArray zY = run.randomNormal(new Shape(1, 3, 8, 8));
            NDArray cond = run.randomNormal(new Shape(1, 3, 8, 8));
            ResShiftDenoiser careless = (x, t, c) -> c.mul(0.5f).add(c.mul(0.25f)).add(x.mul(0.1f));
            List<Integer> open = new ArrayList<>();
            RunContext ctx = new RunContext(run, Device.cpu(), ParameterValues.of(List.of(), Map.of()),
                    new SeededNoise(5), e -> open.add(run.getManagedArrays().size()), new CancellationToken(),
                    PreviewPolicy.OFF);
            try (NDManager owner = run.newSubManager()) {
                new DiffusionLoop(ctx, null, null).run(new ResShiftSampler(schedule, zY, cond), careless, owner,
                        Stage.WHOLE);
            }
            assertEquals(6, open.size());
            // the last step draws no noise and makes fewer arrays; none may keep more than the first step
            assertEquals(open.get(0), open.stream().mapToInt(Integer::intValue).max().orElseThrow(),
                    "the run's arrays grow from step to step: " + open);
        }
    }
}
