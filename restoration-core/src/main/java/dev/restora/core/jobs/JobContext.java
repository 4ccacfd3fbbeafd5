package dev.restora.core.jobs;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.NoiseSource;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.StepListener;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.RunContext;

/**
 * What a {@link JobTask} gets on its worker: the job's own NDManager (closed by the pool when the task ends), the
 * lane's device, the cancellation token, a step listener that records progress on the job, and the lane's cache of
 * loaded pipelines.
 */
public final class JobContext {
    private final Job<?> job;
    private final NDManager manager;
    private final Device device;
    private final PipelineCache pipelines;
    private final StepListener listener;

    JobContext(Job<?> job, NDManager manager, Device device, PipelineCache pipelines) {
        this.job = job;
        this.manager = manager;
        this.device = device;
        this.pipelines = pipelines;
        this.listener = job::reportProgress;
    }

    public Job<?> job() {
        return job;
    }

    /** The job's scope: every NDArray of the run belongs to it or to a sub-manager; closed after the task. */
    public NDManager manager() {
        return manager;
    }

    public Device device() {
        return device;
    }

    public CancellationToken token() {
        return job.token();
    }

    /** Records each step event as the job's progress and passes it to the job's listeners. */
    public StepListener listener() {
        return listener;
    }

    /** The lane's loaded pipelines (reuse them across jobs; never close one yourself). */
    public PipelineCache pipelines() {
        return pipelines;
    }

    /** A {@link RunContext} for a pipeline run of this job. */
    public RunContext runContext(ParameterValues parameters, NoiseSource noise, PreviewPolicy previews) {
        return new RunContext(manager, device, parameters, noise, listener, job.token(), previews);
    }
}
