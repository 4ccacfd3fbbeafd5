package dev.restora.sgmse.sampling;

import ai.djl.ndarray.NDArray;

/**
 * The score {@code s(x, c, t)} of a reverse diffusion in the state layout {@code [B, 2, F, T]}; {@code condition}
 * holds the conditioning channels that follow x in the network input ({@code y} for SGMSE+, {@code [Y, Ŷ]} for
 * StoRM). Results belong to x's manager.
 */
@FunctionalInterface
public interface ScoreFunction {
    NDArray score(NDArray x, NDArray condition, float[] t);
}
