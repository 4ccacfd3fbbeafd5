package dev.restora.core.models;

import dev.restora.core.RestoraException;
import dev.restora.core.pipeline.PipelineProvider;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All weight files the installed plugins may need, by entry id, with the optional structure each is checked against.
 * Built from {@link PipelineProvider#catalog()}; a provider that throws is logged and skipped.
 */
public final class ModelCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(ModelCatalog.class);

    private final Map<String, CatalogEntry> entries = new LinkedHashMap<>();
    private final Map<String, ExpectedStructure> structures = new LinkedHashMap<>();
    private final Map<String, List<ModelFile>> files = new LinkedHashMap<>();

    public ModelCatalog() {
    }

    public static ModelCatalog of(CatalogEntry... entries) {
        ModelCatalog c = new ModelCatalog();
        for (CatalogEntry e : entries) {
            c.add(e, null);
        }
        return c;
    }

    /** The entries of all providers; a provider whose catalog fails is logged and skipped. */
    public static ModelCatalog fromProviders(Collection<? extends PipelineProvider> providers) {
        ModelCatalog c = new ModelCatalog();
        for (PipelineProvider p : providers) {
            List<CatalogEntry> entries;
            try {
                entries = p.catalog();
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("plugin {} has a broken model catalog; skipped", p.getClass().getName(), e);
                continue;
            }
            for (CatalogEntry e : entries == null ? List.<CatalogEntry>of() : entries) {
                try {
                    List<ModelFile> parts = p.modelFiles(e.id());
                    boolean multi = parts != null && !parts.isEmpty();
                    if (multi) {
                        checkFiles(e.id(), parts); // before the entry is added: never taken for one file
                    }
                    c.add(e, p.expectedStructure(e.id()));
                    if (multi) {
                        c.addFiles(e.id(), parts);
                    }
                } catch (RuntimeException | LinkageError ex) {
                    LOG.warn("plugin {}: catalog entry {} skipped: {}", p.getClass().getName(), e.id(), ex.toString());
                }
            }
        }
        return c;
    }

    /**
     * Adds an entry; {@code structure} may be null. The same id twice must describe the same file (two models of
     * one plugin may share a file); a conflicting duplicate is an {@link IllegalArgumentException}.
     */
    public synchronized ModelCatalog add(CatalogEntry entry, ExpectedStructure structure) {
        if (entry.id() == null || entry.id().isBlank() || entry.fileName() == null || entry.fileName().isBlank()) {
            throw new IllegalArgumentException("catalog entry needs an id and a file name: " + entry);
        }
        if (entry.fileName().contains("/") || entry.fileName().contains("\\") || entry.fileName().startsWith(".")) {
            throw new IllegalArgumentException("catalog entry " + entry.id() + " has an unsafe file name: " + entry.fileName());
        }
        CatalogEntry old = entries.get(entry.id());
        if (old != null && !old.equals(entry)) {
            throw new IllegalArgumentException("two different catalog entries with id " + entry.id());
        }
        for (CatalogEntry other : entries.values()) {
            if (!other.id().equals(entry.id()) && other.fileName().equals(entry.fileName())) {
                throw new IllegalArgumentException("catalog entries " + other.id() + " and " + entry.id()
                        + " use the same file name " + entry.fileName());
            }
        }
        entries.put(entry.id(), entry);
        if (structure != null) {
            structures.put(entry.id(), structure);
        }
        return this;
    }

    /**
     * Makes the entry a multi-file model: its {@link CatalogEntry#fileName()} is then a folder holding these files
     * (distinct plain names), installed together by the store.
     */
    public synchronized ModelCatalog addFiles(String id, List<ModelFile> parts) {
        require(id);
        checkFiles(id, parts);
        files.put(id, List.copyOf(parts));
        return this;
    }

    private static void checkFiles(String id, List<ModelFile> parts) {
        if (parts.isEmpty() || parts.stream().map(ModelFile::name).distinct().count() != parts.size()) {
            throw new IllegalArgumentException("catalog entry " + id + ": a multi-file model needs distinct files");
        }
    }

    /** The files of a multi-file entry, or empty for a single-file one. */
    public synchronized List<ModelFile> files(String id) {
        return files.getOrDefault(id, List.of());
    }

    public synchronized List<CatalogEntry> entries() {
        return new ArrayList<>(entries.values());
    }

    public synchronized Optional<CatalogEntry> find(String id) {
        return Optional.ofNullable(entries.get(id));
    }

    /** The entry, or a {@link RestoraException} listing the known ids. */
    public synchronized CatalogEntry require(String id) {
        CatalogEntry e = entries.get(id);
        if (e == null) {
            throw new RestoraException("unknown model file '" + id + "'; known: "
                    + (entries.isEmpty() ? "none (no plugin declares weight files)" : String.join(", ", entries.keySet())));
        }
        return e;
    }

    public synchronized Optional<ExpectedStructure> structure(String id) {
        return Optional.ofNullable(structures.get(id));
    }
}
