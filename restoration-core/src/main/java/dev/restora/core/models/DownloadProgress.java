package dev.restora.core.models;

/**
 * Progress of one download.
 *
 * @param entryId        the catalog entry
 * @param bytes          bytes in the local file so far (including a resumed part)
 * @param total          the full size, or -1 when the server did not say
 * @param bytesPerSecond the transfer speed of this session
 */
public record DownloadProgress(String entryId, long bytes, long total, double bytesPerSecond) {

    /** Fraction done in [0, 1], or -1 when the size is unknown. */
    public double fraction() {
        return total > 0 ? Math.min(1.0, (double) bytes / total) : -1;
    }
}
