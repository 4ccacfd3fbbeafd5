package dev.restora.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Resizing as torch.nn.functional.interpolate does it by default (antialias off), which DJL's own resize does
 * not (it behaves like antialias=True). Written as two matrix products with precomputed weight matrices.
 */
public final class Resize {
    /** Keys's cubic convolution constant used by PyTorch. */
    private static final double A = -0.75;

    private Resize() {
    }

    /**
     * Bicubic resize of the last two axes of {@code x} (for example N x C x H x W) to outH x outW, align_corners=False,
     * taps outside the image clamped to the border, like {@code F.interpolate(x, size, mode='bicubic')}.
     */
    public static NDArray bicubic(NDArray x, int outH, int outW) {
        Shape s = x.getShape();
        int d = s.dimension();
        if (d < 2) {
            throw new IllegalArgumentException("bicubic resize needs at least 2 axes, got " + s);
        }
        long h = s.get(d - 2);
        long w = s.get(d - 1);
        NDManager m = x.getManager();
        // transposed weight matrices [in x out], so that both products keep x as the first operand
        NDArray whT = m.create(bicubicMatrix((int) h, outH), new Shape(outH, h)).transpose();
        NDArray wwT = m.create(bicubicMatrix((int) w, outW), new Shape(outW, w)).transpose();
        return x.matMul(wwT).swapAxes(-1, -2).matMul(whT).swapAxes(-1, -2);
    }

    /**
     * Nearest-neighbour x2 of an N x C x H x W tensor ({@code F.interpolate(scale_factor=2, mode='nearest')}). With
     * channels-last on ({@link MemoryFormat}) the copy is made in NHWC order, so the result is channels-last
     * whatever the input's layout (the next convolution needs no conversion); otherwise row-major.
     */
    public static NDArray nearest2x(NDArray x) {
        long n = x.getShape().get(0);
        long c = x.getShape().get(1);
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        if (MemoryFormat.enabled()) {
            return x.transpose(0, 2, 3, 1).reshape(n, h, 1, w, 1, c).broadcast(n, h, 2, w, 2, c)
                    .reshape(n, 2 * h, 2 * w, c).transpose(0, 3, 1, 2);
        }
        return x.reshape(n, c, h, 1, w, 1).broadcast(n, c, h, 2, w, 2).reshape(n, c, 2 * h, 2 * w);
    }

    /** Bicubic resize by an integer factor, the scale_factor form of interpolate (same weights as the size form). */
    public static NDArray bicubic(NDArray x, int factor) {
        Shape s = x.getShape();
        int d = s.dimension();
        return bicubic(x, (int) s.get(d - 2) * factor, (int) s.get(d - 1) * factor);
    }

    /**
     * The four source taps of every output position along one axis of torch's default bicubic (half-pixel
     * centres, A = -0.75, taps clamped to the border): output {@code o} is the sum over k of
     * {@code weight[4o+k] * input[index[4o+k]]}.
     */
    public record Taps(int[] index, double[] weight) {
    }

    /** The bicubic taps for resizing an axis of {@code in} samples to {@code out}. */
    public static Taps bicubicTaps(int in, int out) {
        int[] index = new int[4 * out];
        double[] weight = new double[4 * out];
        double scale = in / (double) out;
        for (int o = 0; o < out; o++) {
            double src = (o + 0.5) * scale - 0.5;
            int i0 = (int) Math.floor(src);
            double t = src - i0;
            double[] c = {
                cubic2(t + 1), cubic1(t), cubic1(1 - t), cubic2(2 - t)
            };
            for (int k = 0; k < 4; k++) {
                index[4 * o + k] = Math.min(Math.max(i0 - 1 + k, 0), in - 1);
                weight[4 * o + k] = c[k];
            }
        }
        return new Taps(index, weight);
    }

    /** Row-major [out x in] interpolation weights for one axis. */
    static float[] bicubicMatrix(int in, int out) {
        Taps taps = bicubicTaps(in, out);
        float[] mat = new float[out * in];
        for (int o = 0; o < out; o++) {
            for (int k = 0; k < 4; k++) {
                mat[o * in + taps.index()[4 * o + k]] += (float) taps.weight()[4 * o + k];
            }
        }
        return mat;
    }

    /** |x| <= 1 branch of the cubic kernel. */
    private static double cubic1(double x) {
        return ((A + 2) * x - (A + 3)) * x * x + 1;
    }

    /** 1 < |x| < 2 branch of the cubic kernel. */
    private static double cubic2(double x) {
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
    }
}
