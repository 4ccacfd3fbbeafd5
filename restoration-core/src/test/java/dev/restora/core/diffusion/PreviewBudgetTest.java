package dev.restora.core.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.engine.EngineSetup;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.RunContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Full previews stay within the policy's share of the run (architecture: previews add at most 10 %). */
class PreviewBudgetTest {
    private static final int STEPS = 30;
    private static final long STEP_MS = 20;

    @BeforeAll
    static void engine() {
        EngineSetup.configure();
    }

    /** A sampler whose step takes STEP_MS: x -> x * 0.9, x̂0 = x. */
    private static final class SleepySampler implements Sampler<Void> {
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
            sleep(STEP_MS);
            NDArray next = state.mul(0.9f);
            return new Step(next, next);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs with a renderer that takes {@code renderMs}; returns the steps at which it rendered. */
    private static List<Integer> rendered(PreviewPolicy policy, long renderMs, double declaredSteps) {
        List<Integer> at = new ArrayList<>();
        PreviewRenderer slow = PreviewRenderer.costing(declaredSteps, (x0, step) -> {
            sleep(renderMs);
            at.add(step);
            return new PreviewFrame.Image("x0", 1, 1, new int[] {0});
        });
        try (NDManager m = NDManager.newBaseManager()) {
            RunContext ctx = new RunContext(m, m.getDevice(), ParameterValues.defaults(List.of()), new SeededNoise(1),
                    StepListener.NONE, new CancellationToken(), policy);
            new DiffusionLoop(ctx, slow, null).run(new SleepySampler(), null, m, Stage.WHOLE);
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
        List<Integer> at = rendered(budgeted, 10, 0);
        // 30 steps of 20 ms = 600 ms of sampling: 10 % buys about 6 renders of 10 ms, plus the last step's
        int n = at.size();
        assertTrue(n >= 3 && n <= 9, "renders under a 10 % budget: " + at);
        assertEquals(STEPS - 1, at.get(n - 1), "the last step always renders");
    }

    @Test
    void declaredCostKeepsAnExpensiveRendererForTheLastStep() {
        // a renderer declared as costing 5 steps never fits a 10 % budget of a 30-step run before its end
        PreviewPolicy budgeted = new PreviewPolicy(true, 1, 0, PreviewPolicy.DEFAULT_OVERHEAD);
        assertEquals(List.of(STEPS - 1), rendered(budgeted, 100, 5));
    }
}
