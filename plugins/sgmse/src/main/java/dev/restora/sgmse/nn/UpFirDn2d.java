package dev.restora.sgmse.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The FIR resampling kernel of NCSN++ (spec §5.3) and a plain {@code upfirdn2d}: zero-insertion upsampling,
 * zero padding, a depthwise FIR convolution and decimation. The network itself uses the equivalent strided
 * (transposed) depthwise convolutions in {@link FirUpsample} and {@link FirDownsample}.
 */
public final class UpFirDn2d {
    /** The separable taps of NCSN++ ({@code fir_kernel = [1, 3, 3, 1]}). */
    public static final float[] TAPS = {1, 3, 3, 1};

    private UpFirDn2d() {
    }

    /** {@code outer(k, k) / sum(outer(k, k))} times {@code gain}, row-major 4x4. */
    public static float[] kernel2d(double gain) {
        int n = TAPS.length;
        double sum = 0;
        for (float a : TAPS) {
            for (float b : TAPS) {
                sum += a * b;
            }
        }
        float[] k = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                k[i * n + j] = (float) (TAPS[i] * TAPS[j] / sum * gain);
            }
        }
        return k;
    }

    /** A depthwise weight {@code [channels, 1, 4, 4]} of {@code kernel}, owned by {@code m}. */
    static NDArray depthwise(NDManager m, float[] kernel, long channels) {
        int n = (int) Math.round(Math.sqrt(kernel.length));
        return m.create(kernel, new Shape(1, 1, n, n)).repeat(0, channels);
    }

    /**
     * {@code upfirdn2d(x, kernel, up, down, pad=(padBefore, padAfter))} on both spatial axes of {@code [B, C, H, W]}:
     * insert {@code up - 1} zeros after every sample, pad, convolve with the (flipped) kernel, keep every
     * {@code down}-th output.
     */
    public static NDArray apply(NDArray x, float[] kernel, int up, int down, int padBefore, int padAfter) {
        Shape s = x.getShape();
        long b = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        NDArray u = x;
        if (up > 1) {
            // zero insertion: u[up*i] = x[i], the up-1 samples after it zero
            NDArray x6 = x.reshape(b, c, h, 1, w, 1);
            NDArray wide = NDArrays.concat(new NDList(x6, x6.zerosLike().repeat(5, up - 1)), 5);
            u = NDArrays.concat(new NDList(wide, wide.zerosLike().repeat(3, up - 1)), 3).reshape(b, c, h * up, w * up);
        }
        int n = (int) Math.round(Math.sqrt(kernel.length));
        float[] flipped = new float[kernel.length];
        for (int i = 0; i < kernel.length; i++) {
            flipped[i] = kernel[kernel.length - 1 - i];
        }
        NDArray weight = depthwise(x.getManager(), flipped, c);
        long inH = h * up;
        long inW = w * up;
        long outH = (inH + padBefore + padAfter - n) / down + 1;
        long outW = (inW + padBefore + padAfter - n) / down + 1;
        if (padBefore == padAfter) {
            return ai.djl.nn.convolutional.Conv2d.conv2d(u, weight, null, new Shape(down, down),
                    new Shape(padBefore, padBefore), new Shape(1, 1), (int) c).singletonOrThrow();
        }
        // asymmetric padding: pad symmetrically by the larger amount at stride 1, then pick the outputs
        int p = Math.max(padBefore, padAfter);
        NDArray full = ai.djl.nn.convolutional.Conv2d.conv2d(u, weight, null, new Shape(1, 1), new Shape(p, p),
                new Shape(1, 1), (int) c).singletonOrThrow();
        long off = p - padBefore;
        String rows = off + ":" + (off + (outH - 1) * down + 1) + (down > 1 ? ":" + down : "");
        String cols = off + ":" + (off + (outW - 1) * down + 1) + (down > 1 ? ":" + down : "");
        return full.get(new NDIndex(":,:," + rows + "," + cols));
    }
}
