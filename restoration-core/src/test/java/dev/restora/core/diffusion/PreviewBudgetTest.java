package dev.restora.core.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.engine.EngineSetup;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.RunContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Full previews stay within the policy's share of the run (architecture: previews add at most 10 %). Steps and renders
 * take their time on an injected clock, so the budget's decisions are exact on any machine.
 */
class PreviewBudgetTest {
    private static final int STEPS = 30;
    private static final long STEP_NANOS = 20_000_000;

    @BeforeAll
    static void engine() {
        EngineSetup.configure();
    }

    /** A sampler whose step takes STEP_NANOS on {@code clock}: x -> x * 0.9, x̂0 = x. */
    private record TimedSampler(AtomicLong clock) implements Sampler<Void> {
        @Override
        public int steps() {
            return STEPS;
        }

        @Override
        public NDArray initialState(NDManager scope, NoiseSource noise) {
            return scope.ones(new Shape(4));
        }

        @Override
        public Step step(Void network, int index, NDArray state, NDManager stepScope, NoiseSource noise) {
            clock.addAndGet(STEP_NANOS);
            NDArray next = state.mul(0.9f);
            return new Step(next, next);
        }
    }

    /** Runs with a renderer that takes {@code renderMillis}; returns the steps at which it rendered. */
    private static List<Integer> rendered(PreviewPolicy policy, long renderMillis, double declaredSteps) {
        AtomicLong clock = new AtomicLong();
        List<Integer> at = new ArrayList<>();
        PreviewRenderer timed = PreviewRenderer.costing(declaredSteps, (x0, step) -> {
            clock.addAndGet(renderMillis * 1_000_000);
            at.add(step);
            return new PreviewFrame.Image("x0", 1, 1, new int[] {0});
        });
        try (NDManager m = NDManager.newBaseManager()) {
            RunContext ctx = new RunContext(m, m.getDevice(), ParameterValues.defaults(List.of()), new SeededNoise(1),
                    StepListener.NONE, new CancellationToken(), policy);
            new DiffusionLoop(ctx, timed, null, clock::get).run(new TimedSampler(clock), null, m, Stage.WHOLE);
        }
        return at;
    }

    @Test
    void unlimitedPolicyRendersEveryStep() {
        assertEquals(STEPS, rendered(PreviewPolicy.EVERY_STEP, 10, 0).size());
    }

    @Test
    void budgetKeepsCostlyPreviewsNearTenPercent() {
        PreviewPolicy budgeted = new PreviewPolicy(true, 1, 0, PreviewPolicy.DEFAULT_OVERHEAD);
        // 20 ms steps, 10 ms renders: the n-th render fits once 10 % of the sampling time, 2 ms per step, covers the
        // n renders (the first is free: nothing measured, nothing declared): after steps 1, 10, 15, 20, 25; the last
        // step always renders
        assertEquals(List.of(0, 9, 14, 19, 24, STEPS - 1), rendered(budgeted, 10, 0));
    }

    @Test
    void minimumIntervalIsMeasuredOnTheClock() {
        // free renders, at most one per 100 ms (5 steps of 20 ms): every 5th step from the first, then the last
        PreviewPolicy interval = new PreviewPolicy(true, 1, 100);
        assertEquals(List.of(0, 5, 10, 15, 20, 25, STEPS - 1), rendered(interval, 0, 0));
    }

    @Test
    void declaredCostKeepsAnExpensiveRendererForTheLastStep() {
        // a renderer declared as costing 5 steps never fits a 10 % budget of a 30-step run before its end
        PreviewPolicy budgeted = new PreviewPolicy(true, 1, 0, PreviewPolicy.DEFAULT_OVERHEAD);
        assertEquals(List.of(STEPS - 1), rendered(budgeted, 100, 5));
    }
}
