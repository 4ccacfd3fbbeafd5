package dev.restora.core.image;

import java.util.stream.IntStream;

/**
 * Separable resampling of float planes with a choice of kernel. Sample centres are aligned
 * ({@code src = (dst + 0.5) * in / out - 0.5}), taps past the border repeat the edge pixel, and when shrinking the
 * kernel is stretched by the shrink factor (antialiasing, as MATLAB's {@code imresize} and Pillow do). Rows are
 * processed in parallel on the common fork-join pool.
 */
public final class Resampler {

    /** A symmetric interpolation kernel. */
    public enum Kernel {
        /** Nearest neighbour (no filtering; the baseline every method must beat). */
        NEAREST(0.5),
        /** Box (area averaging when shrinking). */
        BOX(0.5),
        /** Triangle (bilinear). */
        TRIANGLE(1),
        /** Keys cubic convolution with a = -0.5 (MATLAB's and Pillow's "bicubic"). */
        BICUBIC(2),
        /** Lanczos windowed sinc with three lobes. */
        LANCZOS3(3);

        private final double support;

        Kernel(double support) {
            this.support = support;
        }

        public double support() {
            return support;
        }

        public double weight(double x) {
            double ax = Math.abs(x);
            switch (this) {
                case NEAREST:
                case BOX:
                    return ax < 0.5 ? 1 : ax == 0.5 ? 0.5 : 0;
                case TRIANGLE:
                    return ax < 1 ? 1 - ax : 0;
                case BICUBIC: {
                    final double a = -0.5;
                    if (ax <= 1) {
                        return ((a + 2) * ax - (a + 3)) * ax * ax + 1;
                    }
                    if (ax < 2) {
                        return ((a * ax - 5 * a) * ax + 8 * a) * ax - 4 * a;
                    }
                    return 0;
                }
                case LANCZOS3:
                default:
                    if (ax < 1e-9) {
                        return 1;
                    }
                    if (ax >= 3) {
                        return 0;
                    }
                    double px = Math.PI * ax;
                    return 3 * Math.sin(px) * Math.sin(px / 3) / (px * px);
            }
        }
    }

    private Resampler() {
    }

    /** Resizes one H x W plane to newH x newW. */
    public static float[] resize(float[] plane, int w, int h, int newW, int newH, Kernel kernel) {
        return resizePlanes(plane, 1, w, h, newW, newH, kernel);
    }

    /** Resizes {@code channels} consecutive H x W planes (planar layout, as {@link ImageBuffer#rgb()}). */
    public static float[] resizePlanes(float[] planes, int channels, int w, int h, int newW, int newH, Kernel kernel) {
        if (planes.length != (long) channels * w * h) {
            throw new IllegalArgumentException("expected " + channels + "x" + h + "x" + w + " values, got " + planes.length);
        }
        if (newW <= 0 || newH <= 0) {
            throw new IllegalArgumentException("target size must be positive: " + newW + "x" + newH);
        }
        Axis ax = Axis.of(w, newW, kernel);
        Axis ay = Axis.of(h, newH, kernel);
        float[] out = new float[channels * newW * newH];
        float[] tmp = new float[h * newW];
        for (int c = 0; c < channels; c++) {
            int inOff = c * w * h;
            int outOff = c * newW * newH;
            IntStream.range(0, h).parallel().forEach(y -> ax.apply(planes, inOff + y * w, 1, tmp, y * newW, 1));
            IntStream.range(0, newH).parallel().forEach(oy -> ay.applyRows(tmp, newW, oy, out, outOff + oy * newW));
        }
        return out;
    }

    /** Precomputed taps for one axis. */
    static final class Axis {
        final int[] start;
        final int[] count;
        final float[][] weights;

        private Axis(int[] start, int[] count, float[][] weights) {
            this.start = start;
            this.count = count;
            this.weights = weights;
        }

        static Axis of(int in, int out, Kernel kernel) {
            double scale = in / (double) out;
            int[] start = new int[out];
            int[] count = new int[out];
            float[][] weights = new float[out][];
            if (kernel == Kernel.NEAREST) {
                for (int o = 0; o < out; o++) {
                    start[o] = Math.min(in - 1, (int) Math.floor((o + 0.5) * scale));
                    count[o] = 1;
                    weights[o] = new float[] {1f};
                }
                return new Axis(start, count, weights);
            }
            double stretch = Math.max(1.0, scale);
            double support = kernel.support() * stretch;
            for (int o = 0; o < out; o++) {
                double centre = (o + 0.5) * scale - 0.5;
                int lo = (int) Math.floor(centre - support);
                int hi = (int) Math.ceil(centre + support);
                // taps beyond the border fold onto the edge pixel (clamp)
                int first = Math.max(0, lo);
                int last = Math.min(in - 1, hi);
                double[] w = new double[last - first + 1];
                double sum = 0;
                for (int i = lo; i <= hi; i++) {
                    double v = kernel.weight((i - centre) / stretch);
                    if (v == 0) {
                        continue;
                    }
                    int idx = Math.min(Math.max(i, 0), in - 1);
                    w[idx - first] += v;
                    sum += v;
                }
                float[] wf = new float[w.length];
                for (int k = 0; k < w.length; k++) {
                    wf[k] = (float) (w[k] / sum);
                }
                start[o] = first;
                count[o] = w.length;
                weights[o] = wf;
            }
            return new Axis(start, count, weights);
        }

        /** Resamples one line read with stride {@code inStride}. */
        void apply(float[] in, int inOff, int inStride, float[] out, int outOff, int outStride) {
            for (int o = 0; o < start.length; o++) {
                float[] w = weights[o];
                int base = inOff + start[o] * inStride;
                float acc = 0;
                for (int k = 0; k < w.length; k++) {
                    acc += w[k] * in[base + k * inStride];
                }
                out[outOff + o * outStride] = acc;
            }
        }

        /** Output row {@code o} as a weighted sum of whole input rows of length {@code rowLen}. */
        void applyRows(float[] in, int rowLen, int o, float[] out, int outOff) {
            float[] w = weights[o];
            int s = start[o];
            for (int x = 0; x < rowLen; x++) {
                out[outOff + x] = 0;
            }
            for (int k = 0; k < w.length; k++) {
                float wk = w[k];
                int rowOff = (s + k) * rowLen;
                for (int x = 0; x < rowLen; x++) {
                    out[outOff + x] += wk * in[rowOff + x];
                }
            }
        }
    }
}
