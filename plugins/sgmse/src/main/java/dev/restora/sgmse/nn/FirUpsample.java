package dev.restora.sgmse.nn;

import ai.djl.ndarray.NDArray;

/**
 * NCSN++'s {@code upsample_2d} with kernel [1,3,3,1] (gain 1, so the 2-D kernel is scaled by factor² = 4; no
 * convolution): {@code upfirdn2d(up=2, pad=(2,1))} (spec §5.3). Doubles H and W. Computed in the upfirdn form
 * (zero insertion, then a depthwise 4x4 convolution) because the PyTorch engine of DJL has no transposed
 * convolution.
 */
public final class FirUpsample {
    private static final float[] KERNEL = UpFirDn2d.kernel2d(4);

    private FirUpsample() {
    }

    public static NDArray forward(NDArray x) {
        return UpFirDn2d.apply(x, KERNEL, 2, 1, 2, 1);
    }
}
