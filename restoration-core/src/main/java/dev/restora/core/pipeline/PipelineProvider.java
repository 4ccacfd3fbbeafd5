package dev.restora.core.pipeline;

import dev.restora.core.models.CatalogEntry;
import dev.restora.core.models.ExpectedStructure;
import java.util.List;

/**
 * The plugin SPI, found with {@link java.util.ServiceLoader}. A provider is cheap to construct: it loads
 * nothing until {@link #create(PipelineContext)}.
 */
public interface PipelineProvider {

    PipelineDescriptor descriptor();

    /** The weight files this plugin's models may need, for the model store. */
    default List<CatalogEntry> catalog() {
        return List.of();
    }

    /**
     * What the store checks a downloaded or imported file of one of this plugin's catalog entries against
     * (a few required tensor names, optionally shapes), or null for no check.
     */
    default ExpectedStructure expectedStructure(String catalogEntryId) {
        return null;
    }

    /**
     * The files of a multi-file catalog entry (a TensorFlow.js model.json and its shards, say), each pinned by
     * SHA-256: the store installs them together into a folder named after the entry's file name, and
     * {@link dev.restora.core.models.ModelResolver#require} then gives that folder. Empty (the default) for an
     * entry that is one file.
     */
    default List<dev.restora.core.models.ModelFile> modelFiles(String catalogEntryId) {
        return List.of();
    }

    /**
     * Loads the chosen model (weights into {@link PipelineContext#manager()}) and returns a pipeline that can
     * run many inputs, one at a time, on the context's device.
     */
    RestorationPipeline create(PipelineContext context);

    /** The speed measurement of {@code restora bench}, or null when the pipeline has none. */
    default PipelineBenchmark benchmark() {
        return null;
    }
}
