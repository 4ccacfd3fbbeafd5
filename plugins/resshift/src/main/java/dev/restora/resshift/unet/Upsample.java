package dev.restora.resshift.unet;

import ai.djl.ndarray.NDArray;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.nn.Conv2dLayer;

/**
 * guided-diffusion Upsample with conv: nearest x2, then 3x3 conv, padding 1 (key {@code conv}). Not the sub-pixel
 * form of the VQ decoder (core NearestUpsampleConv): the UNet's output is the latent the VQ codebook lookup quantizes,
 * and the sub-pixel form's other rounding flipped a near-tie code on a parity fixture (chopped_48x40: 0.0079 against
 * 0.002), for about 4 % of a UNet call.
 */
final class Upsample implements TimestepLayer {
    private final Conv2dLayer conv;

    private Upsample(Conv2dLayer conv) {
        this.conv = conv;
    }

    static Upsample load(StateDict sd, long channels) {
        return new Upsample(Conv2dLayer.load(sd.sub("conv"), channels, channels, 3, 1, 1));
    }

    @Override
    public NDArray forward(NDArray x, NDArray emb) {
        return conv.forward(dev.restora.core.nn.Resize.nearest2x(x));
    }
}
