package dev.restora.core.models;

/** Receives download progress on the downloading thread (throttled to a few calls per second, always the last). */
@FunctionalInterface
public interface DownloadListener {
    DownloadListener NONE = p -> { };

    void progress(DownloadProgress progress);
}
