package dev.restora.core.restore;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.CancelledException;
import dev.restora.core.models.ModelResolver;
import dev.restora.core.pipeline.ModelOption;
import dev.restora.core.pipeline.PipelineContext;
import dev.restora.core.pipeline.RestorationPipeline;
import dev.restora.core.plugins.PipelineRegistry;

/**
 * A pipeline with its weights loaded on a device, ready for many files; closing it frees the weights.
 *
 * @param registered the pipeline's provider and descriptor
 * @param model      the model loaded
 * @param device     where it runs
 * @param pipeline   the loaded pipeline
 * @param weights    owner of the weights
 */
public record LoadedPipeline(PipelineRegistry.Registered registered, ModelOption model, Device device,
                             RestorationPipeline pipeline, NDManager weights) implements AutoCloseable {

    /**
     * Loads {@code modelId} (null: the default) of the pipeline. Every weight file of the model is looked up first,
     * so a missing one fails fast with {@link RestoreFailedException.Reason#MODEL_MISSING} before anything is loaded.
     */
    public static LoadedPipeline load(PipelineRegistry.Registered registered, String modelId, Device device,
                                      ModelResolver models) {
        ModelOption model;
        try {
            model = registered.descriptor().requireModel(modelId);
        } catch (IllegalArgumentException e) {
            throw new RestoreFailedException(RestoreFailedException.Reason.USAGE, e.getMessage(), e);
        }
        RecordingResolver resolver = new RecordingResolver(models);
        for (String entry : model.catalogEntryIds()) {
            resolver.require(entry);
        }
        NDManager weights = NDManager.newBaseManager(device);
        try {
            RestorationPipeline p = registered.provider().create(new PipelineContext(model, device, weights, resolver));
            if (p == null) {
                throw new IllegalStateException("create() returned null");
            }
            return new LoadedPipeline(registered, model, device, p, weights);
        } catch (RuntimeException | LinkageError e) {
            weights.close();
            throw loadFailure(registered, model, resolver, e);
        }
    }

    /** The exception to throw when creating the pipeline failed with {@code e}. */
    static RuntimeException loadFailure(PipelineRegistry.Registered registered, ModelOption model,
                                        RecordingResolver resolver, Throwable e) {
        if (resolver.failure != null) {
            return resolver.failure;
        }
        if (e instanceof RestoreFailedException || e instanceof CancelledException) {
            return (RuntimeException) e;
        }
        String what = "pipeline " + registered.descriptor().id() + " (model " + model.id() + ")";
        if (e instanceof RestoraException) {
            return new RestoreFailedException(RestoreFailedException.Reason.PIPELINE, what + ": " + e.getMessage(), e);
        }
        return new RestoreFailedException(RestoreFailedException.Reason.PIPELINE, what + " could not be loaded: " + e, e);
    }

    public String pipelineId() {
        return registered.descriptor().id();
    }

    @Override
    public void close() {
        try {
            pipeline.close();
        } finally {
            weights.close();
        }
    }

    /** Turns any resolver failure into MODEL_MISSING and remembers it, whatever the provider does with it. */
    static final class RecordingResolver implements ModelResolver {
        private final ModelResolver delegate;
        private RestoreFailedException failure;

        RecordingResolver(ModelResolver delegate) {
            this.delegate = delegate;
        }

        @Override
        public java.nio.file.Path require(String catalogEntryId) {
            if (delegate == null) {
                failure = new RestoreFailedException(RestoreFailedException.Reason.MODEL_MISSING,
                        "model file '" + catalogEntryId + "' is needed but no model folder is set");
                throw failure;
            }
            try {
                java.nio.file.Path p = delegate.require(catalogEntryId);
                if (p == null) {
                    throw new RestoraException("model file '" + catalogEntryId + "' is not available");
                }
                return p;
            } catch (RuntimeException e) {
                failure = new RestoreFailedException(RestoreFailedException.Reason.MODEL_MISSING,
                        e.getMessage() == null ? "model file '" + catalogEntryId + "' is missing" : e.getMessage(), e);
                throw failure;
            }
        }
    }
}
