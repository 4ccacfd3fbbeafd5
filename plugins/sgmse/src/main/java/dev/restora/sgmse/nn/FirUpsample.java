package dev.restora.sgmse.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * NCSN++'s {@code upsample_2d} with kernel [1,3,3,1] (gain 1, so the 2-D kernel is scaled by factor² = 4; no
 * convolution): {@code upfirdn2d(up=2, pad=(2,1))} (spec §5.3). Doubles H and W.
 *
 * <p>Computed in polyphase form (DJL's PyTorch engine has no transposed convolution, and zero insertion wastes
 * three quarters of the work): per axis, output {@code 2i} is {@code 0.25 x[i-1] + 0.75 x[i]} and output
 * {@code 2i+1} is {@code 0.75 x[i] + 0.25 x[i+1]} (zero outside). One depthwise 3x3 convolution produces the four
 * phases as channels {@code 4c + 2a + b}, which a reshape interleaves into the doubled grid.
 */
public final class FirUpsample {
    private static final float[][] PHASE = {{0.25f, 0.75f, 0f}, {0f, 0.75f, 0.25f}};
    private static final float[] KERNELS = kernels();

    private FirUpsample() {
    }

    private static float[] kernels() {
        float[] k = new float[4 * 9];
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) {
                        k[(a * 2 + b) * 9 + i * 3 + j] = PHASE[a][i] * PHASE[b][j];
                    }
                }
            }
        }
        return k;
    }

    public static NDArray forward(NDArray x) {
        Shape s = x.getShape();
        long b = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        NDArray weight = x.getManager().create(KERNELS, new Shape(4, 1, 3, 3)).tile(new long[] {c, 1, 1, 1});
        NDArray phases = ai.djl.nn.convolutional.Conv2d.conv2d(x, weight, null, new Shape(1, 1), new Shape(1, 1),
                new Shape(1, 1), (int) c).singletonOrThrow();
        if (dev.restora.core.nn.MemoryFormat.enabled()) {
            // interleave in NHWC order: the doubled map comes out channels-last, as the next convolution wants it
            return phases.transpose(0, 2, 3, 1).reshape(b, h, w, c, 2, 2).transpose(0, 1, 4, 2, 5, 3)
                    .reshape(b, 2 * h, 2 * w, c).transpose(0, 3, 1, 2);
        }
        return phases.reshape(b, c, 2, 2, h, w).transpose(0, 1, 4, 2, 5, 3).reshape(b, c, 2 * h, 2 * w);
    }

    /** The same operation in the plain upfirdn form (zero insertion, padding, 4x4 FIR), for checks. */
    public static NDArray reference(NDArray x) {
        return UpFirDn2d.apply(x, UpFirDn2d.kernel2d(4), 2, 1, 2, 1);
    }
}
