package dev.restora.sgmse.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.DiffusionLoop;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.Sampler;
import dev.restora.core.diffusion.SeededNoise;
import dev.restora.core.diffusion.Stage;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.RunContext;
import dev.restora.sgmse.sde.OuveSde;
import dev.restora.sgmse.sde.SbveSde;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every speech sampler, run through the {@link DiffusionLoop} with a careless network (its first operands are the
 * run-long conditioning, so its results join the run's manager): the run's manager holds as many arrays at every step
 * as at the first, i.e. nothing a step makes outlives it, whatever the operand order.
 */
class StepScopeTest {
    private static final Shape SHAPE = new Shape(1, 2, 8, 16);

    /** Arrays open in {@code run} at each step event (a step's own arrays are still open then; older ones not). */
    private static <D> List<Integer> openPerStep(NDManager run, Sampler<D> sampler, D network) {
        List<Integer> open = new ArrayList<>();
        RunContext ctx = new RunContext(run, Device.cpu(), ParameterValues.of(List.of(), Map.of()),
                new SeededNoise(3), e -> open.add(run.getManagedArrays().size()), new CancellationToken(),
                PreviewPolicy.OFF);
        try (NDManager owner = run.newSubManager()) {
            new DiffusionLoop(ctx, null, null).run(sampler, network, owner, Stage.WHOLE);
        }
        return open;
    }

    private static void assertFlat(List<Integer> open, int steps) {
        assertEquals(steps, open.size(), "one event per step");
        assertEquals(open.get(0), open.stream().mapToInt(Integer::intValue).max().orElseThrow(),
                "the run's arrays grow from step to step: " + open);
    }

    /** A score network that starts from the conditioning (a run-long tensor) instead of x. */
    private static NDArray carelessScore(NDArray x, NDArray condition) {
        NDArray fromCondition = condition.mul(0.1f).sub(condition.mul(0.05f)); // joins the run's manager
        return x.mul(-1f).add(fromCondition.get("0:1, 0:2"));
    }

    @Test
    void predictorCorrectorSgmseAndStormStepsLeaveTheRunScopeFlat() {
        try (NDManager base = NDManager.newBaseManager(); NDManager run = base.newSubManager()) {
            NDArray y = run.randomNormal(SHAPE);
            NDArray cond = run.randomNormal(new Shape(1, 4, 8, 16));
            ScoreFunction score = (x, c, t) -> carelessScore(x, c);
            for (PredictorCorrectorSampler.StepSize size : PredictorCorrectorSampler.StepSize.values()) {
                PredictorCorrectorSampler pc = new PredictorCorrectorSampler(new OuveSde(1.5, 0.05, 0.5), y, cond, 6,
                        0.03, size, 1, 0.5, null);
                assertFlat(openPerStep(run, pc, score), 6);
                assertFlat(openPerStep(run, pc.withCorrector(PredictorCorrectorSampler.Corrector.LANGEVIN), score), 6);
            }
        }
    }

    @Test
    void probabilityFlowOdeStepsLeaveTheRunScopeFlat() {
        try (NDManager base = NDManager.newBaseManager(); NDManager run = base.newSubManager()) {
            NDArray y = run.randomNormal(SHAPE).mul(0.1f);
            NDArray cond = run.randomNormal(new Shape(1, 4, 8, 16));
            ProbabilityFlowSampler ode = new ProbabilityFlowSampler(new OuveSde(1.5, 0.05, 0.5), y, cond, 0.03, null);
            List<Integer> open = openPerStep(run, ode, (x, c, t) -> carelessScore(x, c));
            assertFlat(open, ode.steps());
        }
    }

    @Test
    void schrodingerBridgeStepsLeaveTheRunScopeFlat() {
        try (NDManager base = NDManager.newBaseManager(); NDManager run = base.newSubManager()) {
            NDArray y = run.randomNormal(SHAPE);
            EstimateFunction careless = (x, yy, t) -> yy.mul(0.5f).add(yy.mul(0.1f)).sub(x.mul(0.01f));
            for (boolean stochastic : new boolean[] {false, true}) {
                SchrodingerBridgeSampler sb = new SchrodingerBridgeSampler(new SbveSde(2.6, 0.4, 1e-4), y, 5,
                        stochastic, null);
                assertFlat(openPerStep(run, sb, careless), 5);
            }
            assertTrue(run.getManagedArrays().size() <= 2, "only y (and its state copy) left");
        }
    }
}
