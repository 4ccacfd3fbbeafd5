package dev.restora.core.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * Turns a predicted clean state into a {@link PreviewFrame}, copying it out of native memory. Called on the
 * worker thread inside the step's scope: arrays it makes are freed with the step.
 */
@FunctionalInterface
public interface PreviewRenderer {
    PreviewFrame render(NDArray predictedClean, int step);

    /**
     * What one rendering is expected to cost, in sampler steps, before it has been measured (the loop measures it
     * after the first rendering). 0, the default, means cheap.
     */
    default double estimatedCostInSteps() {
        return 0;
    }

    /** {@code renderer} declared to cost about {@code steps} sampler steps per rendering (a latent decode, say). */
    static PreviewRenderer costing(double steps, PreviewRenderer renderer) {
        return new PreviewRenderer() {
            @Override
            public PreviewFrame render(NDArray predictedClean, int step) {
                return renderer.render(predictedClean, step);
            }

            @Override
            public double estimatedCostInSteps() {
                return steps;
            }
        };
    }
}
