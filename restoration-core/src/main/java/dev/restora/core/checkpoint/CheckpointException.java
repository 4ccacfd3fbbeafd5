package dev.restora.core.checkpoint;

import dev.restora.core.RestoraException;

/** A checkpoint that cannot be read or does not fit the network; the message names the file and the problem. */
public class CheckpointException extends RestoraException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
