package dev.restora.resshift.vq;

import ai.djl.ndarray.NDArray;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.nn.Conv2dLayer;
import dev.restora.core.nn.Padding;
import dev.restora.core.nn.PaddingMode;

/** The autoencoder's Downsample (spec §2.2): zero-pad right and bottom by one, then conv3x3 stride 2, no padding. */
final class Downsample {
    private final Conv2dLayer conv;

    private Downsample(Conv2dLayer conv) {
        this.conv = conv;
    }

    static Downsample load(StateDict sd, long c) {
        return new Downsample(Conv2dLayer.load(sd.sub("conv"), c, c, 3, 2, 0));
    }

    NDArray forward(NDArray x) {
        return conv.forward(Padding.pad(x, PaddingMode.ZEROS, 0, 1, 0, 1));
    }
}
