package dev.restora.classic.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class EstimatorPartsTest {

    @Test
    void exponentialIntegralMatchesTables() {
        // Abramowitz and Stegun, table 5.1
        assertEquals(1.8229239584, SpectralGain.expint(0.1), 1e-9);
        assertEquals(0.5597735948, SpectralGain.expint(0.5), 1e-9);
        assertEquals(0.2193839344, SpectralGain.expint(1.0), 1e-9);
        assertEquals(0.0489005107, SpectralGain.expint(2.0), 1e-9);
        assertEquals(0.001148295591, SpectralGain.expint(5.0), 1e-11);
        assertEquals(4.156968929685e-6, SpectralGain.expint(10.0), 1e-15);
        assertEquals(4.0379295765, SpectralGain.expint(0.01), 1e-9);
    }

    @Test
    void gainsFollowTheEstimators() {
        float[] y2 = {1000f, 1f};
        double[] noise = {1, 1};
        float[] g = new float[2];
        SpectralGain wiener = new SpectralGain(2, SpectralGain.Estimator.WIENER, 0.98, 1e-3, 0);
        wiener.compute(y2, noise, g);
        // first frame: ξ = γ - 1 = 999, G = 999/1000; γ = 1 gives ξ at its floor
        assertEquals(0.999, g[0], 1e-6);
        assertEquals(1e-3 / (1 + 1e-3), g[1], 1e-7);
        SpectralGain lsa = new SpectralGain(2, SpectralGain.Estimator.LOG_MMSE, 0.98, 1e-3, 0);
        lsa.compute(y2, noise, g);
        double v = 999.0 * 1000 / 1000;
        assertEquals(0.999 * Math.exp(0.5 * SpectralGain.expint(v)), g[0], 1e-6);
        double v1 = 1e-3 / (1 + 1e-3);
        assertEquals(1e-3 / (1 + 1e-3) * Math.exp(0.5 * SpectralGain.expint(v1)), g[1], 1e-6);
        // floor
        SpectralGain floored = new SpectralGain(2, SpectralGain.Estimator.WIENER, 0.98, 1e-3, 0.1);
        floored.compute(y2, noise, g);
        assertEquals(0.1f, g[1]);
    }

    @Test
    void omLsaDrivesNoiseOnlyFramesToTheFloorAndKeepsStrongBins() {
        int bins = 64;
        Random r = new Random(4);
        double[] noise = new double[bins];
        java.util.Arrays.fill(noise, 1.0);
        float[] y2 = new float[bins];
        float[] lsa = new float[bins];
        float[] om = new float[bins];
        SpectralGain a = new SpectralGain(bins, SpectralGain.Estimator.LOG_MMSE, 0.98, Math.pow(10, -2.5), 0.05);
        SpectralGain b = new SpectralGain(bins, SpectralGain.Estimator.OM_LSA, 0.98, Math.pow(10, -2.5), 0.05);
        double meanLsa = 0;
        double meanOm = 0;
        for (int t = 0; t < 200; t++) {
            boolean speech = t >= 150;
            for (int k = 0; k < bins; k++) {
                y2[k] = (float) (-Math.log(1 - r.nextDouble()) + (speech && k < 32 ? 100 : 0));
            }
            a.compute(y2, noise, lsa);
            b.compute(y2, noise, om);
            if (t >= 50 && t < 150) {
                for (int k = 0; k < bins; k++) {
                    meanLsa += lsa[k] / (100.0 * bins);
                    meanOm += om[k] / (100.0 * bins);
                }
            }
        }
        // noise only: OM-LSA's gain sits at the floor, below plain log-MMSE's
        assertTrue(meanOm < 0.06 && meanOm < meanLsa, "noise-only gains: OM-LSA " + meanOm + ", LSA " + meanLsa);
        // strong speech bins pass almost unchanged with both
        assertTrue(om[10] > 0.9 && lsa[10] > 0.9, om[10] + " " + lsa[10]);
    }

    @Test
    void minimumStatisticsTracksNoiseUnderSpeechBursts() {
        int bins = 64;
        double hop = 0.008;
        MinimumStatistics ms = new MinimumStatistics(bins, hop, 1.5);
        Random r = new Random(11);
        float[] y2 = new float[bins];
        double level = 1.0;
        double[] est = null;
        int frames = 2000;
        double sumRatioDb = 0;
        int counted = 0;
        for (int t = 0; t < frames; t++) {
            if (t == 1200) {
                level = 10.0;   // noise rises by 10 dB
            }
            boolean speech = (t / 50) % 3 == 1;   // 0.4 s bursts 20 dB above the noise
            for (int k = 0; k < bins; k++) {
                // periodogram of complex Gaussian noise: exponential with mean `level`
                double p = -level * Math.log(1 - r.nextDouble());
                if (speech && k % 4 != 0) {
                    p += 100 * level * (1 + Math.sin(t * 0.3 + k));
                }
                y2[k] = (float) p;
            }
            est = ms.update(y2);
            if ((t > 400 && t < 1200) || t > 1200 + 2 * ms.windowFrames()) {
                double mean = 0;
                for (int k = 0; k < bins; k += 4) {
                    mean += est[k];
                }
                mean /= bins / 4.0;
                sumRatioDb += 10 * Math.log10(mean / level);
                counted++;
            }
        }
        double bias = sumRatioDb / counted;
        System.out.printf("minimum statistics: mean estimate / true noise = %.2f dB%n", bias);
        assertTrue(Math.abs(bias) < 2.5, "noise estimate off by " + bias + " dB");
        // after the rise it has caught up
        double mean = 0;
        for (int k = 0; k < bins; k++) {
            mean += est[k];
        }
        assertTrue(Math.abs(10 * Math.log10(mean / bins / 10.0)) < 4, "after the 10 dB rise: " + mean / bins);
    }
}
