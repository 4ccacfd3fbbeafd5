package dev.restora.resshift.unet;

import ai.djl.ndarray.NDArray;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.nn.Activations;
import dev.restora.core.nn.Embeddings;
import dev.restora.core.nn.LinearLayer;

/**
 * The timestep MLP (spec §3.3): the sinusoidal embedding [cos | sin] of the integer step index (dim =
 * model_channels, max period 10000), then {@code time_embed.0} Linear, SiLU, {@code time_embed.2} Linear.
 */
final class TimestepEmbedding {
    private final int dim;
    private final LinearLayer fc1;
    private final LinearLayer fc2;

    private TimestepEmbedding(int dim, LinearLayer fc1, LinearLayer fc2) {
        this.dim = dim;
        this.fc1 = fc1;
        this.fc2 = fc2;
    }

    static TimestepEmbedding load(StateDict sd, int modelChannels, int embDim) {
        return new TimestepEmbedding(modelChannels, LinearLayer.load(sd.sub("0"), modelChannels, embDim),
                LinearLayer.load(sd.sub("2"), embDim, embDim));
    }

    /** @param t int64 step indices, length B; returns B x embDim */
    NDArray forward(NDArray t) {
        NDArray e = Embeddings.sinusoidal(t, dim, 10000);
        return fc2.forward(Activations.silu(fc1.forward(e)));
    }
}
