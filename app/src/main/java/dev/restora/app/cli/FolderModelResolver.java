package dev.restora.app.cli;

import dev.restora.core.RestoraException;
import dev.restora.core.models.CatalogEntry;
import dev.restora.core.models.ModelResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds weight files in one folder by their catalog file name. A missing file is a {@link RestoraException} that
 * names the file, where it is published and where to put it. (The model store will replace this with verified
 * downloads.)
 */
public final class FolderModelResolver implements ModelResolver {
    private final Path folder;
    private final Map<String, CatalogEntry> catalog;

    public FolderModelResolver(Path folder, Map<String, CatalogEntry> catalog) {
        this.folder = folder.toAbsolutePath();
        this.catalog = Map.copyOf(catalog);
    }

    public Path folder() {
        return folder;
    }

    /** The entry's file in the folder, whether or not it exists; null for an unknown entry. */
    public Path fileOf(String catalogEntryId) {
        CatalogEntry e = catalog.get(catalogEntryId);
        return e == null ? null : folder.resolve(e.fileName());
    }

    public boolean isPresent(String catalogEntryId) {
        Path p = fileOf(catalogEntryId);
        return p != null && Files.isRegularFile(p);
    }

    @Override
    public Path require(String catalogEntryId) {
        CatalogEntry e = catalog.get(catalogEntryId);
        if (e == null) {
            throw new RestoraException("model file '" + catalogEntryId + "' is not in any pipeline's catalog");
        }
        Path p = folder.resolve(e.fileName());
        if (!Files.isRegularFile(p)) {
            StringBuilder sb = new StringBuilder("model file ").append(e.fileName()).append(" (").append(e.id())
                    .append(") is missing: download it");
            if (e.url() != null && !e.url().isBlank()) {
                sb.append(" from ").append(e.url());
            }
            sb.append(" and put it at ").append(p);
            if (e.licence() != null && !e.licence().isBlank()) {
                sb.append(" (licence: ").append(e.licence()).append(')');
            }
            throw new RestoraException(sb.toString());
        }
        if (e.sizeBytes() > 0) {
            try {
                long size = Files.size(p);
                if (size != e.sizeBytes()) {
                    throw new RestoraException(p + ": model file " + e.id() + " has " + size + " bytes, expected "
                            + e.sizeBytes() + " (incomplete or wrong download?); fetch it again"
                            + (e.url() == null ? "" : " from " + e.url()));
                }
            } catch (java.io.IOException io) {
                throw new RestoraException(p + ": cannot read (" + io.getMessage() + ")", io);
            }
        }
        return p;
    }
}
