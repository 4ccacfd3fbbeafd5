package dev.restora.resshift.unet;

import ai.djl.ndarray.NDArray;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.nn.Conv2dLayer;

/** guided-diffusion Downsample with conv: 3x3 conv, stride 2, symmetric padding 1 (key {@code op}). */
final class Downsample implements TimestepLayer {
    private final Conv2dLayer op;

    private Downsample(Conv2dLayer op) {
        this.op = op;
    }

    static Downsample load(StateDict sd, long cin, long cout) {
        return new Downsample(Conv2dLayer.load(sd.sub("op"), cin, cout, 3, 2, 1));
    }

    NDArray forward(NDArray x) {
        return op.forward(x);
    }

    @Override
    public NDArray forward(NDArray x, NDArray emb) {
        return forward(x);
    }
}
