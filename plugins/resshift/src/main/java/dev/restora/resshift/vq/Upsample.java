package dev.restora.resshift.vq;

import ai.djl.ndarray.NDArray;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.nn.Conv2d;

/** The autoencoder's Upsample (spec §2.2): nearest x2, then conv3x3 padding 1. */
final class Upsample {
    private final Conv2d conv;

    private Upsample(Conv2d conv) {
        this.conv = conv;
    }

    static Upsample load(StateDict sd, long c) {
        return new Upsample(Conv2d.load(sd.sub("conv"), c, c, 3, 1, 1));
    }

    NDArray forward(NDArray x) {
        long n = x.getShape().get(0);
        long c = x.getShape().get(1);
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        return conv.forward(x.reshape(n, c, h, 1, w, 1).broadcast(n, c, h, 2, w, 2).reshape(n, c, 2 * h, 2 * w));
    }
}
