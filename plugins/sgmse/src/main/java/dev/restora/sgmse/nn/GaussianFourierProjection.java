package dev.restora.sgmse.nn;

import ai.djl.ndarray.NDArray;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.nn.Embeddings;

/**
 * Gaussian Fourier features of NCSN++ (spec §5.2): for the per-item input u (SGMSE feeds {@code ln t}),
 * {@code [sin(2 pi u W) | cos(2 pi u W)]}. W is the checkpoint's fixed random vector (key {@code W}).
 */
public final class GaussianFourierProjection {
    private final NDArray w;

    public GaussianFourierProjection(NDArray w) {
        this.w = w;
    }

    public static GaussianFourierProjection load(StateDict sd, long size) {
        return new GaussianFourierProjection(sd.get("W", size));
    }

    public long outFeatures() {
        return 2 * w.getShape().get(0);
    }

    /** @param u {@code [B]}; returns {@code [B, 2 * size]} */
    public NDArray forward(NDArray u) {
        return Embeddings.gaussianFourier(u, w);
    }
}
