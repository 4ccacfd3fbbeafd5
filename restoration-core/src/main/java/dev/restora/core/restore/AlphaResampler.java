package dev.restora.core.restore;

/**
 * Resizes an alpha plane with plain bicubic interpolation, as torch's {@code interpolate(mode="bicubic",
 * align_corners=False, antialias=False)} does: Keys' cubic convolution with A = -0.75, half-pixel centres and
 * border-clamped taps, done separably (rows, then columns). The result is clipped to [0, 1]. Pure Java: the alpha
 * plane never goes through the network.
 */
public final class AlphaResampler {
    private static final double A = -0.75;

    private AlphaResampler() {
    }

    /** {@code alpha} (H x W, row-major) resized to {@code outW x outH}. */
    public static float[] resize(float[] alpha, int w, int h, int outW, int outH) {
        if (alpha.length != (long) w * h) {
            throw new IllegalArgumentException("alpha has " + alpha.length + " values, expected " + w + "x" + h);
        }
        if (outW <= 0 || outH <= 0) {
            throw new IllegalArgumentException("output size must be positive: " + outW + "x" + outH);
        }
        if (outW == w && outH == h) {
            return alpha.clone();
        }
        Taps tx = Taps.of(w, outW);
        Taps ty = Taps.of(h, outH);
        float[] rows = new float[h * outW];
        for (int y = 0; y < h; y++) {
            int base = y * w;
            for (int x = 0; x < outW; x++) {
                double s = 0;
                for (int k = 0; k < 4; k++) {
                    s += tx.weight[4 * x + k] * alpha[base + tx.index[4 * x + k]];
                }
                rows[y * outW + x] = (float) s;
            }
        }
        float[] out = new float[outW * outH];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                double s = 0;
                for (int k = 0; k < 4; k++) {
                    s += ty.weight[4 * y + k] * rows[ty.index[4 * y + k] * outW + x];
                }
                out[y * outW + x] = (float) Math.max(0, Math.min(1, s));
            }
        }
        return out;
    }

    /** The four source taps and weights of every output position along one axis. */
    private record Taps(int[] index, double[] weight) {
        static Taps of(int in, int out) {
            int[] index = new int[4 * out];
            double[] weight = new double[4 * out];
            double scale = in / (double) out;
            for (int o = 0; o < out; o++) {
                // half-pixel centres, no clamping of the source coordinate (torch's cubic path)
                double src = (o + 0.5) * scale - 0.5;
                int i0 = (int) Math.floor(src);
                double t = src - i0;
                double[] wts = {cubic2(t + 1), cubic1(t), cubic1(1 - t), cubic2(2 - t)};
                for (int k = 0; k < 4; k++) {
                    index[4 * o + k] = Math.max(0, Math.min(in - 1, i0 - 1 + k));
                    weight[4 * o + k] = wts[k];
                }
            }
            return new Taps(index, weight);
        }

        /** |x| <= 1. */
        private static double cubic1(double x) {
            return ((A + 2) * x - (A + 3)) * x * x + 1;
        }

        /** 1 < |x| < 2. */
        private static double cubic2(double x) {
            return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
        }
    }
}
