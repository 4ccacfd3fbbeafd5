package dev.restora.core.restore;

import dev.restora.core.RestoraException;

/**
 * A restore of one file that could not be done: a {@link RestoraException} (an error meant for the user, the base of
 * every such error) that also says whose fault it was ({@link #reason()}), so a front end can pick an exit code or a
 * hint. The message names the file and the problem.
 */
public final class RestoreFailedException extends RestoraException {
    private static final long serialVersionUID = 1L;

    /** Why a restore failed, so a front end can pick an exit code or a hint. */
    public enum Reason {
        /** The request itself is wrong: unknown pipeline, model or parameter, value out of range. */
        USAGE,
        /** The input file is missing, unreadable or of the wrong kind for the pipeline. */
        INPUT,
        /** A weight file the model needs is not on disk. */
        MODEL_MISSING,
        /** The pipeline failed while loading or running. */
        PIPELINE,
        /** The output could not be written. */
        OUTPUT
    }

    private final Reason reason;

    public RestoreFailedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public RestoreFailedException(Reason reason, String message) {
        this(reason, message, null);
    }

    public Reason reason() {
        return reason;
    }
}
