package dev.restora.sgmse.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * NCSN++'s {@code downsample_2d} with kernel [1,3,3,1] (no convolution): {@code upfirdn2d(down=2, pad=(1,1))},
 * computed as a depthwise 4x4 convolution with stride 2 and padding 1 (spec §5.3). Halves H and W.
 */
public final class FirDownsample {
    private static final float[] KERNEL = UpFirDn2d.kernel2d(1);

    private FirDownsample() {
    }

    public static NDArray forward(NDArray x) {
        long c = x.getShape().get(1);
        NDArray weight = UpFirDn2d.depthwise(x.getManager(), KERNEL, c);
        return ai.djl.nn.convolutional.Conv2d.conv2d(x, weight, null, new Shape(2, 2), new Shape(1, 1),
                new Shape(1, 1), (int) c).singletonOrThrow();
    }
}
