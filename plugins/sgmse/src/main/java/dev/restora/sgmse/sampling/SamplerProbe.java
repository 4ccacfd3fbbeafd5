package dev.restora.sgmse.sampling;

import ai.djl.ndarray.NDArray;

/**
 * Sees the intermediate arrays of a sampler step ("score_in_corrector", "x_after_corrector", "score_in_predictor",
 * "x_after_predictor", "x_in", "estimate"), while they are alive: a probe that keeps one must copy it.
 */
@FunctionalInterface
public interface SamplerProbe {
    SamplerProbe NONE = (step, name, value) -> { };

    void see(int step, String name, NDArray value);
}
