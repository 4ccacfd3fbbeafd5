package dev.restora.core.jobs;

import dev.restora.core.diffusion.StepEvent;

/**
 * Observes jobs. Called on the thread that made the change (a worker, or the thread that cancelled a queued
 * job); implementations must return quickly and hand work to their own thread (the studio conflates progress).
 * An exception thrown by a listener is logged and ignored.
 */
public interface JobListener {

    /** The job moved from {@code from} to {@code to}; each job reports each transition exactly once, in order. */
    default void stateChanged(Job<?> job, JobState from, JobState to) {
    }

    /** A step of the job's run finished; {@link Job#progress()} already returns {@code event}. */
    default void progress(Job<?> job, StepEvent event) {
    }
}
