package dev.restora.sgmse.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.CancelledException;
import dev.restora.core.diffusion.Sampler;
import dev.restora.sgmse.sde.OuveSde;
import org.junit.jupiter.api.Test;

/**
 * The ODE sampler as the diffusion loop drives it (ten segments) against the solver stepped directly, with the exact
 * score of a Gaussian prior around y ({@code s = -(x - y) / sigma(t)²}), so the probability flow is smooth and
 * cheap: the segments must not change SciPy's step sequence, must end at t_eps, their previews are the Tweedie
 * estimate (y itself for this score), and the final step must be the noise-free reverse-diffusion step.
 */
class ProbabilityFlowSamplerTest {
    private static final Shape STATE = new Shape(1, 2, 4, 3);
    private static final OuveSde SDE = new OuveSde(1.5, 0.05, 0.5);
    private static final double T_EPS = 0.03;

    private static ScoreFunction gaussian(NDArray y) {
        return (x, condition, t) -> x.sub(y).div(-Math.pow(SDE.std(t[0]), 2));
    }

    @Test
    void segmentsFollowTheSolversOwnSequence() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray y = m.randomNormal(STATE);
            NDArray x0 = m.randomNormal(STATE).mul(SDE.std(1)).add(y);
            ScoreFunction score = gaussian(y);

            ProbabilityFlowSampler direct = new ProbabilityFlowSampler(SDE, y, y, T_EPS, null);
            DormandPrince45 solver = direct.begin(score, x0);
            while (direct.advance()) {
                assertTrue(solver.time() >= T_EPS);
            }
            assertEquals(T_EPS, solver.time(), 0);

            ProbabilityFlowSampler looped = new ProbabilityFlowSampler(SDE, y, y, T_EPS, null);
            NDArray state = x0;
            Sampler.Step last = null;
            for (int i = 0; i < looped.steps(); i++) {
                last = looped.step(score, i, state, m, null);
                state = last.next();
                if (i < looped.steps() - 1) {
                    // with the Gaussian score the Tweedie estimate is y itself
                    assertArrayEquals(y.toFloatArray(), last.predictedClean().toFloatArray(), 1e-4f,
                            "preview of segment " + i);
                }
            }
            assertEquals(direct.evalTimes(), looped.evalTimes(), "same network calls");
            assertEquals(direct.acceptedTimes(), looped.acceptedTimes(), "same accepted times");

            // the last segment returns the reverse-diffusion x_mean = x - theta (y - x) t_eps + g² t_eps s(x, t_eps)
            double[] xs = solver.state();
            float[] yf = y.toFloatArray();
            float te = (float) T_EPS;
            double var = Math.pow(SDE.std(te), 2);
            double g2 = Math.pow(SDE.diffusion(te), 2);
            float[] expected = new float[xs.length];
            for (int i = 0; i < xs.length; i++) {
                float x = (float) xs[i];
                double s = -(x - yf[i]) / var;
                expected[i] = (float) (x - SDE.theta() * (yf[i] - x) * te + g2 * te * s);
            }
            assertArrayEquals(expected, last.next().toFloatArray(), 1e-5f);
        }
    }

    @Test
    void cancellationTakesEffectAtTheNextNetworkCall() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray y = m.randomNormal(STATE);
            NDArray x0 = m.randomNormal(STATE).mul(SDE.std(1)).add(y);
            CancellationToken token = new CancellationToken();
            int[] calls = {0};
            ScoreFunction gaussian = gaussian(y);
            ScoreFunction cancelling = (x, c, t) -> {
                if (++calls[0] == 5) {
                    token.cancel();
                }
                return gaussian.score(x, c, t);
            };
            ProbabilityFlowSampler sampler = new ProbabilityFlowSampler(SDE, y, y, T_EPS, null).withCancellation(token);
            assertThrows(CancelledException.class, () -> sampler.step(cancelling, 0, x0, m, null));
            assertEquals(5, calls[0], "no network call after the cancel");
        }
    }

    @Test
    void smoothFlowNeedsFewSteps() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray y = m.randomNormal(STATE);
            NDArray x0 = m.randomNormal(STATE).mul(SDE.std(1)).add(y);
            ProbabilityFlowSampler sampler = new ProbabilityFlowSampler(SDE, y, y, T_EPS, null);
            sampler.begin(gaussian(y), x0);
            while (sampler.advance()) {
                // to t_eps
            }
            // the Gaussian flow contracts x - y smoothly: a few dozen calls, not hundreds
            assertTrue(sampler.evalTimes().size() < 200, sampler.evalTimes().size() + " evaluations");
            assertEquals(0, (sampler.evalTimes().size() - 2) % 6, "2 + 6 per attempt");
        }
    }
}
