package dev.restora.core.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * Turns a predicted clean state into a {@link PreviewFrame}, copying it out of native memory. Called on the
 * worker thread inside the step's scope: arrays it makes are freed with the step.
 */
@FunctionalInterface
public interface PreviewRenderer {
    PreviewFrame render(NDArray predictedClean, int step);
}
