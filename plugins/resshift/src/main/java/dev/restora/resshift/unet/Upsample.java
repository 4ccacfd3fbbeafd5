package dev.restora.resshift.unet;

import ai.djl.ndarray.NDArray;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.nn.NearestUpsampleConv;

/**
 * guided-diffusion Upsample with conv: nearest x2, then 3x3 conv, padding 1 (key {@code conv}), computed as a
 * sub-pixel convolution ({@link NearestUpsampleConv}).
 */
final class Upsample implements TimestepLayer {
    private final NearestUpsampleConv conv;

    private Upsample(NearestUpsampleConv conv) {
        this.conv = conv;
    }

    static Upsample load(StateDict sd, long channels) {
        return new Upsample(NearestUpsampleConv.load(sd.sub("conv"), channels, channels));
    }

    @Override
    public NDArray forward(NDArray x, NDArray emb) {
        return conv.forward(x);
    }
}
