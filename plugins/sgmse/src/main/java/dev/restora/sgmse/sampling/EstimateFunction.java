package dev.restora.sgmse.sampling;

import ai.djl.ndarray.NDArray;

/** A data-prediction network {@code x̂0(x, y, t)} (the Schrödinger bridge's model output), state layout. */
@FunctionalInterface
public interface EstimateFunction {
    NDArray estimate(NDArray x, NDArray y, float[] t);
}
