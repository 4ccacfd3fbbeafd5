package dev.restora.core.restore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AlphaResamplerTest {

    /** Keys' cubic convolution kernel with a = -0.75 (torch's bicubic). */
    private static double keys(double x) {
        double a = -0.75;
        x = Math.abs(x);
        if (x <= 1) {
            return (a + 2) * x * x * x - (a + 3) * x * x + 1;
        }
        if (x < 2) {
            return a * x * x * x - 5 * a * x * x + 8 * a * x - 4 * a;
        }
        return 0;
    }

    /** A direct 2-D reference: 4x4 taps per output pixel, half-pixel centres, clamped indices. */
    private static float[] reference(float[] in, int w, int h, int ow, int oh) {
        float[] out = new float[ow * oh];
        for (int oy = 0; oy < oh; oy++) {
            double sy = (oy + 0.5) * h / (double) oh - 0.5;
            int y0 = (int) Math.floor(sy);
            for (int ox = 0; ox < ow; ox++) {
                double sx = (ox + 0.5) * w / (double) ow - 0.5;
                int x0 = (int) Math.floor(sx);
                double s = 0;
                for (int j = -1; j <= 2; j++) {
                    for (int i = -1; i <= 2; i++) {
                        int yy = Math.max(0, Math.min(h - 1, y0 + j));
                        int xx = Math.max(0, Math.min(w - 1, x0 + i));
                        s += keys(sy - (y0 + j)) * keys(sx - (x0 + i)) * in[yy * w + xx];
                    }
                }
                out[oy * ow + ox] = (float) Math.max(0, Math.min(1, s));
            }
        }
        return out;
    }

    @Test
    void matchesTheDirectBicubicForUpAndDownAndOddSizes() {
        SplittableRandom r = new SplittableRandom(3);
        int[][] sizes = {{5, 7, 20, 28}, {8, 8, 17, 9}, {12, 10, 5, 4}, {3, 1, 12, 4}};
        for (int[] s : sizes) {
            float[] in = new float[s[0] * s[1]];
            for (int i = 0; i < in.length; i++) {
                in[i] = (float) r.nextDouble();
            }
            assertArrayEquals(reference(in, s[0], s[1], s[2], s[3]), AlphaResampler.resize(in, s[0], s[1], s[2], s[3]),
                    1e-5f, () -> java.util.Arrays.toString(s));
        }
    }

    @Test
    void knownValuesOfATwoPixelRampAndConstantPlanes() {
        // [0.25, 0.75] upscaled to 4: taps at -0.25, 0.25, 0.75, 1.25 (hand-computed with a = -0.75)
        float[] out = AlphaResampler.resize(new float[] {0.25f, 0.75f}, 2, 1, 4, 1);
        assertArrayEquals(new float[] {0.197265625f, 0.36328125f, 0.63671875f, 0.802734375f}, out, 1e-6f);
        float[] flat = AlphaResampler.resize(new float[] {0.4f, 0.4f, 0.4f, 0.4f}, 2, 2, 7, 5);
        for (float v : flat) {
            assertEquals(0.4f, v, 1e-6f);
        }
        float[] same = {0.1f, 0.9f};
        assertArrayEquals(same, AlphaResampler.resize(same, 2, 1, 2, 1));
    }
}
