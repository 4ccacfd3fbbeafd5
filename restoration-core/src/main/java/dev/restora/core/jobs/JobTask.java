package dev.restora.core.jobs;

/**
 * What a job runs on a worker: for example "read this file, run that pipeline, write the result". The pool is
 * generic over tasks; the command line and the studio build theirs on it.
 *
 * <p>Contract: every NDArray belongs to {@link JobContext#manager()} (or a sub-manager), which the pool closes when
 * the task ends whatever happens, so the result must not hold native memory (copy it out: an image buffer, an
 * audio clip, a file path). Check {@link JobContext#token()} at least once per step or tile (the
 * {@link dev.restora.core.diffusion.DiffusionLoop} does) so that a cancel takes effect within one step; throw
 * {@link dev.restora.core.diffusion.CancelledException} to stop. Throw {@link dev.restora.core.RestoraException}
 * with a message for the user for bad input; any other exception is reported as an internal error.
 *
 * @param <R> the result type
 */
@FunctionalInterface
public interface JobTask<R> {
    R run(JobContext context) throws Exception;
}
