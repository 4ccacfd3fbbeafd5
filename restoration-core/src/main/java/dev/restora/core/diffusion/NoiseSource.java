package dev.restora.core.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Standard normal noise for samplers. Each call returns the next draw, in order. */
public interface NoiseSource {

    /** A float32 array of independent N(0, 1) values of {@code shape}, owned by {@code manager}. */
    NDArray normal(NDManager manager, Shape shape);
}
