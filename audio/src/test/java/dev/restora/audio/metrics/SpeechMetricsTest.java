package dev.restora.audio.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SpeechMetricsTest {

    static float[] scaled(float[] x, double a, float[] n, double b) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) (a * x[i] + (n == null ? 0 : b * n[i]));
        }
        return y;
    }

    @Test
    void handComputedSiSdrAndSnr() {
        // s and n are zero-mean and orthogonal: every term is exact
        float[] s = {1, -1, 1, -1};
        float[] n = {1, 1, -1, -1};
        assertEquals(10 * Math.log10(4), SpeechMetrics.siSdr(scaled(s, 1, n, 0.5), s), 1e-9);
        assertEquals(10 * Math.log10(4), SpeechMetrics.snr(scaled(s, 1, n, 0.5), s), 1e-9);
        // scaling the estimate changes SNR, not SI-SDR: target 2s (energy 16), residual 0.5n (energy 1)
        assertEquals(10 * Math.log10(16), SpeechMetrics.siSdr(scaled(s, 2, n, 0.5), s), 1e-9);
        assertEquals(10 * Math.log10(4.0 / 5.0), SpeechMetrics.snr(scaled(s, 2, n, 0.5), s), 1e-9);
        // a DC offset is ignored by SI-SDR (zero-mean convention)
        float[] off = scaled(s, 1, n, 0.5);
        for (int i = 0; i < off.length; i++) {
            off[i] += 3;
        }
        assertEquals(10 * Math.log10(4), SpeechMetrics.siSdr(off, s), 1e-6);
    }

    @Test
    void scaledCopyIsPerfect() {
        Random r = new Random(1);
        float[] s = new float[16000];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) r.nextGaussian();
        }
        assertTrue(SpeechMetrics.siSdr(scaled(s, 0.5, null, 0), s) > 120);
        assertEquals(Double.POSITIVE_INFINITY, SpeechMetrics.snr(s.clone(), s));
        assertEquals(SpeechMetrics.SEG_SNR_MAX, SpeechMetrics.segmentalSnr(s.clone(), s, 16000), 0);
    }

    @Test
    void knownAdditiveNoiseGivesTheSetSnr() {
        Random r = new Random(7);
        int len = 48000;
        float[] s = new float[len];
        float[] n = new float[len];
        for (int i = 0; i < len; i++) {
            s[i] = (float) Math.sin(2 * Math.PI * 440 * i / 16000.0);
            n[i] = (float) r.nextGaussian();
        }
        for (double snrDb : new double[] {-5, 0, 5, 10, 20}) {
            double es = 0;
            double en = 0;
            for (int i = 0; i < len; i++) {
                es += s[i] * (double) s[i];
                en += n[i] * (double) n[i];
            }
            double g = Math.sqrt(es / (en * Math.pow(10, snrDb / 10)));
            float[] y = scaled(s, 1, n, g);
            assertEquals(snrDb, SpeechMetrics.snr(y, s), 1e-3);
            // random noise is nearly orthogonal to s: SI-SDR is within a few hundredths of a dB
            assertEquals(snrDb, SpeechMetrics.siSdr(y, s), 0.05);
        }
    }

    @Test
    void segmentalSnrOfAConstantPerFrameSnrAndItsBounds() {
        float[] s = new float[16000];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) Math.sin(2 * Math.PI * 200 * i / 16000.0);
        }
        // estimate = 1.1 s: every frame's error is 0.1 s, 20 dB
        assertEquals(20, SpeechMetrics.segmentalSnr(scaled(s, 1.1, null, 0), s, 16000), 1e-4);
        // 0.99 s: 40 dB, bounded to 35
        assertEquals(35, SpeechMetrics.segmentalSnr(scaled(s, 0.99, null, 0), s, 16000), 1e-9);
        // a zero estimate is 0 dB per frame; a sign flip is -6 dB; three times too loud: -6 dB; far too loud: -10
        assertEquals(0, SpeechMetrics.segmentalSnr(new float[s.length], s, 16000), 1e-9);
        assertEquals(-20 * Math.log10(2), SpeechMetrics.segmentalSnr(scaled(s, -1, null, 0), s, 16000), 1e-6);
        assertEquals(-10, SpeechMetrics.segmentalSnr(scaled(s, 10, null, 0), s, 16000), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> SpeechMetrics.siSdr(new float[3], new float[4]));
        assertThrows(IllegalArgumentException.class, () -> SpeechMetrics.siSdr(new float[3], new float[3]));
    }
}
