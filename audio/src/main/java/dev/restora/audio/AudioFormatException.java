package dev.restora.audio;

/** An audio file that cannot be read or written; the message names the file and the problem. */
public class AudioFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AudioFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    public AudioFormatException(String message) {
        super(message);
    }
}
