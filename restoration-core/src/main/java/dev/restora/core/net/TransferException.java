package dev.restora.core.net;

import java.io.IOException;
import java.net.URI;

/**
 * Why an {@link HttpTransfer} stopped without the whole file; callers turn it into a message naming their file and
 * what the user can do (the partial file stays, so the next call resumes).
 */
public final class TransferException extends IOException {
    /** What went wrong. */
    public enum Kind {
        /** The host cannot be reached at all (no route, unknown host, refused): retrying will not help. */
        NO_NETWORK,
        /** The server answered with an HTTP status that retrying will not change (404, 403, ...). */
        HTTP_STATUS,
        /** Every attempt failed (dropped connections, 5xx answers, silence). */
        GAVE_UP,
        /** A web page (HTML) arrived where a file was expected and no download confirmation could be followed. */
        WEB_PAGE
    }

    private final Kind kind;
    private final URI uri;
    private final int status;
    private final long bytesKept;

    TransferException(Kind kind, URI uri, int status, long bytesKept, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.uri = uri;
        this.status = status;
        this.bytesKept = bytesKept;
    }

    public Kind kind() {
        return kind;
    }

    /** The address that was asked for. */
    public URI uri() {
        return uri;
    }

    /** The HTTP status for {@link Kind#HTTP_STATUS}, else 0. */
    public int status() {
        return status;
    }

    /** Bytes kept in the partial file for a later resume. */
    public long bytesKept() {
        return bytesKept;
    }
}
