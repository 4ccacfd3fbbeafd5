package dev.restora.core.pipeline;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.NoiseSource;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.StepListener;

/**
 * Everything one run needs besides its input. Create one per run; a pipeline that splits its run into stages (tiles,
 * chunks, channels) derives the stage's context with {@link #withNoise}, {@link #withScope} or
 * {@link #withListener}, which keep {@link #startNanos()}, so that {@link dev.restora.core.diffusion.StepEvent#elapsed()}
 * counts from the start of the whole run and its ETA stays right across stages.
 *
 * @param scope      the job's NDManager; the caller closes it after the run
 * @param device     the device of the run
 * @param parameters validated parameter values
 * @param noise      the Gaussian noise source (seeded, or recorded in parity tests)
 * @param listener   receives step events on the worker thread
 * @param token      cancellation and finish-early
 * @param previews   when to render previews
 * @param startNanos when the run started, on the {@link System#nanoTime()} clock
 */
public record RunContext(NDManager scope, Device device, ParameterValues parameters, NoiseSource noise,
                         StepListener listener, CancellationToken token, PreviewPolicy previews, long startNanos) {

    /** A context for a run starting now. */
    public RunContext(NDManager scope, Device device, ParameterValues parameters, NoiseSource noise,
                      StepListener listener, CancellationToken token, PreviewPolicy previews) {
        this(scope, device, parameters, noise, listener, token, previews, System.nanoTime());
    }

    /** The same run (same start) with another noise source, e.g. a tile's or a chunk's forked stream. */
    public RunContext withNoise(NoiseSource other) {
        return new RunContext(scope, device, parameters, other, listener, token, previews, startNanos);
    }

    /** The same run (same start) allocating in another scope, e.g. a tile's sub-manager. */
    public RunContext withScope(NDManager other) {
        return new RunContext(other, device, parameters, noise, listener, token, previews, startNanos);
    }

    /** The same run (same start) reporting to another listener, e.g. one wrapping this context's listener. */
    public RunContext withListener(StepListener other) {
        return new RunContext(scope, device, parameters, noise, other, token, previews, startNanos);
    }
}
