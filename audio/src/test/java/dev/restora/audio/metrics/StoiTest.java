package dev.restora.audio.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.audio.AudioClip;
import dev.restora.audio.AudioIO;
import dev.restora.audio.TestAssets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StoiTest {

    @Test
    void bandsAreTheOneThirdOctavesOfTheReference() {
        // the reference band matrix for fs 10 kHz, NFFT 512: band j spans the bins nearest 150 * 2^((2j -+ 1)/6) Hz
        int[][] e = Stoi.bandEdges();
        assertArrayEquals(new int[] {7, 9}, e[0]);
        assertArrayEquals(new int[] {9, 11}, e[1]);
        // centre of band 14 is 150 * 2^(14/3) = 3810 Hz; its upper edge 4277 Hz is bin 219
        assertEquals(219, e[14][1]);
        for (int j = 1; j < e.length; j++) {
            assertEquals(e[j - 1][1], e[j][0]);
        }
    }

    @Test
    void perfectAndScaledCopiesScoreOne() {
        AudioClip clean = AudioIO.read(TestAssets.audio("speech_clean_16k_mono.wav"));
        float[] s = clean.channels()[0];
        assertEquals(1.0, Stoi.compute(s, s.clone(), 16000), 1e-9);
        float[] half = new float[s.length];
        for (int i = 0; i < s.length; i++) {
            half[i] = 0.5f * s[i];
        }
        assertEquals(1.0, Stoi.compute(s, half, 16000), 1e-6);
    }

    @Test
    void fallsWithTheSnr() {
        AudioClip clean = AudioIO.read(TestAssets.audio("speech_clean_16k_mono.wav"));
        float[] s = clean.channels()[0];
        Random r = new Random(2);
        float[] n = new float[s.length];
        double es = 0;
        double en = 0;
        for (int i = 0; i < s.length; i++) {
            n[i] = (float) r.nextGaussian();
            es += s[i] * s[i];
            en += n[i] * n[i];
        }
        double prev = 1.01;
        StringBuilder sb = new StringBuilder("STOI, white noise:");
        for (double snr : new double[] {20, 10, 5, 0, -5, -10}) {
            double g = Math.sqrt(es / (en * Math.pow(10, snr / 10)));
            float[] y = new float[s.length];
            for (int i = 0; i < s.length; i++) {
                y[i] = (float) (s[i] + g * n[i]);
            }
            double d = Stoi.compute(s, y, 16000);
            sb.append(String.format(" %+.0f dB %.3f;", snr, d));
            assertTrue(d < prev, snr + " dB: " + d + " not below " + prev);
            prev = d;
        }
        System.out.println(sb);
        assertTrue(prev < 0.75, "-10 dB SNR white noise should be poorly intelligible: " + prev);
        float[] tooShort = new float[3000];
        assertThrows(IllegalArgumentException.class, () -> Stoi.compute(tooShort, tooShort, 16000));
    }
}
