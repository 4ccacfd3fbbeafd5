package dev.restora.core.jobs;

/** The life of a {@link Job}: QUEUED → RUNNING → SUCCEEDED / FAILED / CANCELLED, or QUEUED → CANCELLED. */
public enum JobState {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    /** Whether the state is final (it never changes again). */
    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
