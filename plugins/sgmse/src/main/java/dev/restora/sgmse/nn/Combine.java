package dev.restora.sgmse.nn;

import ai.djl.ndarray.NDArray;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.nn.Conv2dLayer;

/** NCSN++'s input-pyramid merge with {@code progressive_combine = sum}: {@code Conv_0(pyramid) + h} (1x1 conv). */
public final class Combine {
    private final Conv2dLayer conv;

    private Combine(Conv2dLayer conv) {
        this.conv = conv;
    }

    public static Combine load(StateDict sd, long in, long out) {
        return new Combine(Conv2dLayer.load(sd.sub("Conv_0"), in, out, 1, 1, 0));
    }

    public NDArray forward(NDArray pyramid, NDArray h) {
        return dev.restora.core.nn.Residual.add(conv.forward(pyramid), h); // the convolution's output is fresh
    }
}
