package dev.restora.core.pipeline;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.NoiseSource;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.StepListener;

/**
 * Everything one run needs besides its input.
 *
 * @param scope      the job's NDManager; the caller closes it after the run
 * @param device     the device of the run
 * @param parameters validated parameter values
 * @param noise      the Gaussian noise source (seeded, or recorded in parity tests)
 * @param listener   receives step events on the worker thread
 * @param token      cancellation and finish-early
 * @param previews   when to render previews
 */
public record RunContext(NDManager scope, Device device, ParameterValues parameters, NoiseSource noise,
                         StepListener listener, CancellationToken token, PreviewPolicy previews) {
}
