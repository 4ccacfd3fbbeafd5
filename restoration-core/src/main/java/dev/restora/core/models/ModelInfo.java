package dev.restora.core.models;

import java.nio.file.Path;

/**
 * One catalog entry as the store sees it, for {@code restora models list} and the studio's model manager.
 *
 * @param entry            the catalog entry
 * @param status           file state
 * @param path             where the file lives (or will live) in the store
 * @param localBytes       size of the file, or of the partial download, or 0
 * @param sha256           the expected hash: the catalog's, else the one recorded on first download, else null
 * @param licenceAccepted  whether the licence was accepted (always true when none must be accepted)
 */
public record ModelInfo(CatalogEntry entry, ModelStatus status, Path path, long localBytes, String sha256,
                        boolean licenceAccepted) {
}
