package dev.restora.core;

/**
 * An error meant for the user: the message names the file or setting and the problem, in plain words.
 * The command line and the studio show only {@link #getMessage()}; a stack trace is for the log.
 */
public class RestoraException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RestoraException(String message) {
        super(message);
    }

    public RestoraException(String message, Throwable cause) {
        super(message, cause);
    }
}
