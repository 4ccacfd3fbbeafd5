package dev.restora.resshift.unet;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** guided-diffusion's TimestepEmbedSequential: the layers of one input/middle/output block in order. */
final class TimestepSequential implements TimestepLayer {
    private final List<TimestepLayer> layers;

    TimestepSequential(List<TimestepLayer> layers) {
        this.layers = List.copyOf(layers);
    }

    @Override
    public NDArray forward(NDArray x, NDArray emb) {
        NDArray h = x;
        for (TimestepLayer l : layers) {
            h = l.forward(h, emb);
        }
        return h;
    }
}
