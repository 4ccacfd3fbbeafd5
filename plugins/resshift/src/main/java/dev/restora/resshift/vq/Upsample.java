package dev.restora.resshift.vq;

import ai.djl.ndarray.NDArray;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.nn.NearestUpsampleConv;

/**
 * The autoencoder's Upsample (spec §2.2): nearest x2, then conv3x3 padding 1, computed as a sub-pixel convolution
 * ({@link NearestUpsampleConv}).
 */
final class Upsample {
    private final NearestUpsampleConv conv;

    private Upsample(NearestUpsampleConv conv) {
        this.conv = conv;
    }

    static Upsample load(StateDict sd, long c) {
        return new Upsample(NearestUpsampleConv.load(sd.sub("conv"), c, c));
    }

    NDArray forward(NDArray x) {
        return conv.forward(x);
    }
}
