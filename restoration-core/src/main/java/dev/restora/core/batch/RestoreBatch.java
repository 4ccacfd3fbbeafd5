package dev.restora.core.batch;

import ai.djl.Device;
import dev.restora.core.diffusion.StepListener;
import dev.restora.core.engine.DeviceChoice;
import dev.restora.core.engine.Devices;
import dev.restora.core.engine.OutOfMemory;
import dev.restora.core.models.ModelResolver;
import dev.restora.core.pipeline.Modality;
import dev.restora.core.pipeline.ModelOption;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.PipelineDescriptor;
import dev.restora.core.plugins.PipelineRegistry;
import dev.restora.core.restore.LoadedPipeline;
import dev.restora.core.restore.RestoreException;
import dev.restora.core.restore.RestoreRequest;
import dev.restora.core.restore.RestoreTask;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A batch plan bound to a pipeline, ready to run: the pipeline, model and parameters checked, the items expanded
 * (images or audio by the pipeline's modality), and a {@link BatchItemProcessor} that restores each item with
 * {@link RestoreTask} on one pipeline loaded once. The command line and the studio both run batches through this.
 * An item whose GPU run still runs out of memory after the pipeline's own halving runs again on the CPU (the
 * pipeline is then loaded there too, once), with a warning.
 *
 * <pre>{@code
 * try (RestoreBatch b = RestoreBatch.prepare(plan, registry, models, Device.cpu())) {
 *     b.load();                                  // fails fast when a weight file is missing
 *     BatchReport r = new BatchRunner(plan, b.items(), b.processor(-1, item -> listener)).run();
 * }
 * }</pre>
 */
public final class RestoreBatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreBatch.class);

    private final BatchPlan plan;
    private final PipelineRegistry registry;
    private final PipelineRegistry.Registered pipeline;
    private final ModelOption model;
    private final ModelResolver models;
    private final Device device;
    private final List<BatchItem> items;
    private LoadedPipeline loaded;
    private LoadedPipeline onCpu;

    private RestoreBatch(BatchPlan plan, PipelineRegistry registry, PipelineRegistry.Registered pipeline,
                         ModelOption model, ModelResolver models, Device device, List<BatchItem> items) {
        this.plan = plan;
        this.registry = registry;
        this.pipeline = pipeline;
        this.model = model;
        this.models = models;
        this.device = device;
        this.items = items;
    }

    /**
     * Checks the plan against the registry and expands its inputs. A plan without a pipeline, an unknown pipeline,
     * model or parameter, or a value out of range is a {@link RestoreException} with reason USAGE; a missing input a
     * {@link dev.restora.core.RestoraException} naming it.
     */
    public static RestoreBatch prepare(BatchPlan plan, PipelineRegistry registry, ModelResolver models, Device device) {
        plan.validate();
        if (plan.pipeline() == null || plan.pipeline().isBlank()) {
            throw new RestoreException(RestoreException.Reason.USAGE, "the batch plan names no pipeline");
        }
        PipelineRegistry.Registered reg = registry.find(plan.pipeline()).orElseThrow(() -> new RestoreException(
                RestoreException.Reason.USAGE, "no pipeline '" + plan.pipeline() + "'; known pipelines: "
                + String.join(", ", registry.ids())));
        PipelineDescriptor d = reg.descriptor();
        ModelOption m;
        try {
            m = d.requireModel(plan.model());
            ParameterValues.of(d.parameters(), plan.parameters());
        } catch (IllegalArgumentException e) {
            throw new RestoreException(RestoreException.Reason.USAGE, "pipeline " + d.id() + ": " + e.getMessage(), e);
        }
        List<BatchItem> items = BatchExpansion.expand(plan, new BatchNaming(d.id(), m.id(), m.scale()),
                d.modality() == Modality.SPEECH ? BatchExpansion.AUDIO : BatchExpansion.IMAGES);
        return new RestoreBatch(plan, registry, reg, m, models, device == null ? Device.cpu() : device, items);
    }

    public List<BatchItem> items() {
        return items;
    }

    public PipelineDescriptor descriptor() {
        return pipeline.descriptor();
    }

    public ModelOption model() {
        return model;
    }

    /** Loads the pipeline now (else the first item does); a missing weight file is reason MODEL_MISSING. */
    public synchronized void load() {
        if (loaded == null) {
            loaded = LoadedPipeline.load(pipeline, model.id(), device, models);
        }
    }

    /**
     * The per-item processor.
     *
     * @param seed      noise seed for every item, or {@link RestoreRequest#RANDOM_SEED} for a fresh one each
     * @param listeners step listener for an item (may return null); called on the batch thread
     */
    public BatchItemProcessor processor(long seed, Function<BatchItem, StepListener> listeners) {
        Objects.requireNonNull(listeners);
        return (item, output, token) -> {
            load();
            RestoreRequest request = new RestoreRequest(item.input(), pipeline.descriptor().id(), model.id(),
                    plan.parameters(), output, device, seed);
            try {
                new RestoreTask(request, registry, models).runWith(loaded, listeners.apply(item), token);
            } catch (RuntimeException e) {
                if (DeviceChoice.isCpu(device) || token.isCancelled() || !OutOfMemory.onDevice(e)) {
                    throw e;
                }
                // the pipeline halved its tiles or chunks on the GPU already: this item runs on the CPU instead
                LOG.warn("{}: {} ran out of memory ({}); restoring it on the CPU instead", item.input(),
                        Devices.name(device), OutOfMemory.summary(e));
                RestoreRequest onCpu = new RestoreRequest(item.input(), pipeline.descriptor().id(), model.id(),
                        plan.parameters(), output, Device.cpu(), seed);
                new RestoreTask(onCpu, registry, models).runWith(cpuPipeline(), listeners.apply(item), token);
            }
        };
    }

    /** The pipeline loaded on the CPU, for items the GPU has no memory for (loaded on first need, kept). */
    private synchronized LoadedPipeline cpuPipeline() {
        if (onCpu == null) {
            onCpu = LoadedPipeline.load(pipeline, model.id(), Device.cpu(), models);
        }
        return onCpu;
    }

    /** Frees the pipelines' weights. */
    @Override
    public synchronized void close() {
        try {
            if (loaded != null) {
                loaded.close();
                loaded = null;
            }
        } finally {
            if (onCpu != null) {
                onCpu.close();
                onCpu = null;
            }
        }
    }
}
