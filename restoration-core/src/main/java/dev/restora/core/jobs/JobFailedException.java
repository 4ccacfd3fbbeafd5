package dev.restora.core.jobs;

import dev.restora.core.RestoraException;

/** Completes a failed job's {@link Job#completion()} future; the message is the job's user-facing error. */
public final class JobFailedException extends RestoraException {
    private static final long serialVersionUID = 1L;

    public JobFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
