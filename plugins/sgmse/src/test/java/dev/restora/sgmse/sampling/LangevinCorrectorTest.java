package dev.restora.sgmse.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.diffusion.NoiseSource;
import dev.restora.sgmse.sde.OuveSde;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The (non-annealed) Langevin corrector of the reference's {@code LangevinCorrector} (spec §4.1; no parity fixture
 * records it): {@code eps = 2 (snr·mean_b‖z_b‖ / mean_b‖s_b‖)²} with L2 norms over each batch item's complex values,
 * then {@code x + eps·s + sqrt(2 eps)·z}. The expected values are computed here in double precision from the same
 * score and noise, on a batch of two items with different norms (so a per-item step or a norm over the whole batch
 * would differ).
 */
class LangevinCorrectorTest {
    private static final Shape STATE = new Shape(2, 2, 4, 3);
    private static final double SNR = 0.3;

    @Test
    void stepSizeFromBatchAveragedNorms() {
        Random rnd = new Random(7);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] xs = new float[(int) STATE.size()];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = (float) rnd.nextGaussian() * (i < xs.length / 2 ? 1 : 5);
            }
            NDArray x = m.create(xs, STATE);
            NDArray y = m.zeros(STATE);
            float[][] draws = new float[2][(int) STATE.size()];
            for (float[] d : draws) {
                for (int i = 0; i < d.length; i++) {
                    d[i] = (float) rnd.nextGaussian();
                }
            }
            int[] drawn = {0};
            NoiseSource noise = (manager, shape) -> manager.create(draws[drawn[0]++], shape);
            ScoreFunction score = (state, condition, t) -> state.mul(-1 / 0.3);
            NDArray[] corrected = new NDArray[1];
            SamplerProbe probe = (step, name, value) -> {
                if (name.equals("x_after_corrector")) {
                    corrected[0] = value.duplicate();
                }
            };
            PredictorCorrectorSampler sampler = new PredictorCorrectorSampler(new OuveSde(1.5, 0.05, 0.5), y, y, 3,
                    0.03, PredictorCorrectorSampler.StepSize.GRID, 1, SNR, probe)
                    .withCorrector(PredictorCorrectorSampler.Corrector.LANGEVIN);
            try (NDManager step = m.newSubManager()) {
                sampler.step(score, 0, x, step, noise);
                assertNotNull(corrected[0], "the corrector ran");
                corrected[0].attach(m);
            }
            assertEquals(2, drawn[0], "one corrector noise, then the predictor's");

            // the corrector's noise in the state layout: draw [B, 1, F, T, 2] * sqrt(1/2) -> [B, 2, F, T]
            double[] z = new double[xs.length];
            int f = 4;
            int t = 3;
            for (int b = 0; b < 2; b++) {
                for (int c = 0; c < 2; c++) {
                    for (int i = 0; i < f * t; i++) {
                        z[((b * 2) + c) * f * t + i] = draws[0][(b * f * t + i) * 2 + c] * Math.sqrt(0.5);
                    }
                }
            }
            double[] s = new double[xs.length];
            for (int i = 0; i < xs.length; i++) {
                s[i] = (float) (xs[i] * (float) (-1 / 0.3));
            }
            double eps = 2 * Math.pow(SNR * meanNorm(z) / meanNorm(s), 2);
            float[] got = corrected[0].toFloatArray();
            for (int i = 0; i < xs.length; i++) {
                double expected = xs[i] + eps * s[i] + Math.sqrt(2 * eps) * z[i];
                assertEquals(expected, got[i], 1e-5 * (1 + Math.abs(expected)), "element " + i);
            }
        }
    }

    /** The L2 norm of each of the two batch items, averaged. */
    private static double meanNorm(double[] v) {
        int half = v.length / 2;
        double a = 0;
        double b = 0;
        for (int i = 0; i < half; i++) {
            a += v[i] * v[i];
            b += v[i + half] * v[i + half];
        }
        return (Math.sqrt(a) + Math.sqrt(b)) / 2;
    }

    @Test
    void withCorrectorReturnsACopyAndLeavesTheSamplerAsItWas() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray y = m.zeros(new ai.djl.ndarray.types.Shape(1, 2, 4, 4));
            PredictorCorrectorSampler ald = new PredictorCorrectorSampler(new OuveSde(1.5, 0.05, 0.5), y, y, 3, 0.03,
                    PredictorCorrectorSampler.StepSize.GRID, 1, SNR, null);
            PredictorCorrectorSampler langevin = ald.withCorrector(PredictorCorrectorSampler.Corrector.LANGEVIN);
            org.junit.jupiter.api.Assertions.assertNotSame(ald, langevin);
            assertEquals(PredictorCorrectorSampler.Corrector.ALD, ald.corrector(), "the original is unchanged");
            assertEquals(PredictorCorrectorSampler.Corrector.LANGEVIN, langevin.corrector());
            org.junit.jupiter.api.Assertions.assertArrayEquals(ald.grid(), langevin.grid());
        }
    }
}
