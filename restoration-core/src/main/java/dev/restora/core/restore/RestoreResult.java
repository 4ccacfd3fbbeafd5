package dev.restora.core.restore;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What a finished restore produced.
 *
 * @param input      the file restored
 * @param output     the file written
 * @param pipelineId the pipeline that ran
 * @param modelId    the model it used
 * @param seed       the seed actually used (the one picked when the request said -1); meaningless when not
 *                   {@code seeded}
 * @param elapsed    run time without loading the pipeline
 * @param seeded     whether the pipeline takes a seed at all (a deterministic one, such as esrgan, does not, and
 *                   then no seed is reported to the user)
 */
public record RestoreResult(Path input, Path output, String pipelineId, String modelId, long seed, Duration elapsed,
                            boolean seeded) {
}
