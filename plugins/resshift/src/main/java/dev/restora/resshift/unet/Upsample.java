package dev.restora.resshift.unet;

import ai.djl.ndarray.NDArray;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.nn.Conv2d;

/** guided-diffusion Upsample with conv: nearest x2, then 3x3 conv, padding 1 (key {@code conv}). */
final class Upsample implements TimestepLayer {
    private final Conv2d conv;

    private Upsample(Conv2d conv) {
        this.conv = conv;
    }

    static Upsample load(StateDict sd, long channels) {
        return new Upsample(Conv2d.load(sd.sub("conv"), channels, channels, 3, 1, 1));
    }

    /** Nearest-neighbour x2 of an N x C x H x W tensor (F.interpolate(scale_factor=2, mode='nearest')). */
    static NDArray nearest2x(NDArray x) {
        long n = x.getShape().get(0);
        long c = x.getShape().get(1);
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        return x.reshape(n, c, h, 1, w, 1).broadcast(n, c, h, 2, w, 2).reshape(n, c, 2 * h, 2 * w);
    }

    @Override
    public NDArray forward(NDArray x, NDArray emb) {
        return conv.forward(nearest2x(x));
    }
}
