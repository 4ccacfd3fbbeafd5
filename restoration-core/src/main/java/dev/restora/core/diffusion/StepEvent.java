package dev.restora.core.diffusion;

import java.time.Duration;

/**
 * Progress of a run, emitted on the worker thread after every sampler step.
 *
 * @param step       0-based index of the step just done
 * @param steps      steps in this stage
 * @param stage      0-based stage (a tile, a chunk, a channel)
 * @param stages     number of stages
 * @param stageLabel what the stage is ("tile 3/9"), or empty
 * @param elapsed    time since the run started
 * @param preview    the predicted clean output rendered in full (for a latent model: decoded), or null when
 *                   the {@link PreviewPolicy} did not fire at this step
 * @param quickPreview a cheap rendering made at every step (for a latent model: the latent mapped to RGB), or null
 */
public record StepEvent(int step, int steps, int stage, int stages, String stageLabel, Duration elapsed,
                        PreviewFrame preview, PreviewFrame quickPreview) {

    /** Overall fraction done in [0, 1], counting every stage as equal. */
    public double fraction() {
        return (stage + (step + 1) / (double) steps) / stages;
    }

    /** A simple linear estimate of the time left. */
    public Duration eta() {
        double f = fraction();
        if (f <= 0) {
            return Duration.ZERO;
        }
        return Duration.ofNanos((long) (elapsed.toNanos() * (1 - f) / f));
    }
}
