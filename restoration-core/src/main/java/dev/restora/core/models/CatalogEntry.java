package dev.restora.core.models;

/**
 * One downloadable weight file.
 *
 * @param id            stable id, referenced by {@link dev.restora.core.pipeline.ModelOption#catalogEntryIds()}
 * @param fileName      the file name in the store
 * @param url           where the official file is published
 * @param sizeBytes     the expected size, or -1 when unknown
 * @param sha256        the expected SHA-256 (lower-case hex), or null when unknown (recorded on first download)
 * @param licence       the licence text or its name and link
 * @param mustAccept    whether the user must accept the licence before the download starts
 * @param description   what the file is, for the model manager
 */
public record CatalogEntry(String id, String fileName, String url, long sizeBytes, String sha256, String licence,
                           boolean mustAccept, String description) {
}
