package dev.restora.resshift.vq;

import ai.djl.ndarray.NDArray;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.nn.Conv2dLayer;

/** The autoencoder's Upsample (spec §2.2): nearest x2, then conv3x3 padding 1. */
final class Upsample {
    private final Conv2dLayer conv;

    private Upsample(Conv2dLayer conv) {
        this.conv = conv;
    }

    static Upsample load(StateDict sd, long c) {
        return new Upsample(Conv2dLayer.load(sd.sub("conv"), c, c, 3, 1, 1));
    }

    NDArray forward(NDArray x) {
        return conv.forward(dev.restora.core.nn.Resize.nearest2x(x));
    }
}
