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
import dev.restora.core.restore.DefaultPipelines;
import dev.restora.core.restore.LoadedPipeline;
import dev.restora.core.restore.MediaFiles;
import dev.restora.core.restore.RestoreFailedException;
import dev.restora.core.restore.RestoreRequest;
import dev.restora.core.restore.RestoreResult;
import dev.restora.core.restore.RestoreTask;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A batch plan bound to its pipelines, ready to run: every pipeline, model and parameter checked, the items
 * expanded, and a {@link BatchItemProcessor} that restores each item with {@link RestoreTask} on pipelines loaded
 * once. {@code restora restore}, {@code restora batch} and the studio's batch dialog all run through this.
 *
 * <p>Routing: a plan with a {@link BatchPlan#pipeline()} runs every file with it (folders contribute the files of
 * its media kind). A plan without one routes each file by the kind of media it holds (its first bytes, else its
 * extension) to the kind's {@link BatchPlan#routeFor route}, else to the kind's default ({@link DefaultPipelines})
 * with the plan's model and parameters; the defaults chosen are written into the plan's routes (so a saved plan
 * repeats the run). A file of no known kind fails as an item.
 *
 * <p>An item whose GPU run still runs out of memory after the pipeline's own halving runs again on the CPU (the
 * kind's pipeline is then loaded there too, once), with a warning.
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

    /** One media kind's pipeline, checked against the registry. */
    public record Route(PipelineRegistry.Registered pipeline, ModelOption model, Map<String, Object> parameters) {
        public PipelineDescriptor descriptor() {
            return pipeline.descriptor();
        }
    }

    private final PipelineRegistry registry;
    private final ModelResolver models;
    private final Device device;
    private final Map<Modality, Route> routes;
    private final List<BatchItem> items;
    private final Map<Integer, Modality> kinds;
    private final Map<Modality, LoadedPipeline> loaded = new EnumMap<>(Modality.class);
    private final Map<Modality, LoadedPipeline> onCpu = new EnumMap<>(Modality.class);

    private RestoreBatch(PipelineRegistry registry, ModelResolver models, Device device, Map<Modality, Route> routes,
                         List<BatchItem> items, Map<Integer, Modality> kinds) {
        this.registry = registry;
        this.models = models;
        this.device = device;
        this.routes = routes;
        this.items = items;
        this.kinds = kinds;
    }

    /**
     * Checks the plan against the registry and expands its inputs. An unknown pipeline, model or parameter, a value
     * out of range, a pipeline routed to the wrong kind of media, or a kind present with no pipeline able to serve
     * it is a {@link RestoreFailedException} with reason USAGE; a missing input a {@link dev.restora.core.RestoraException}
     * naming it.
     */
    public static RestoreBatch prepare(BatchPlan plan, PipelineRegistry registry, ModelResolver models, Device device) {
        plan.validate();
        Device dev = device == null ? Device.cpu() : device;
        Map<Modality, Route> routes = new EnumMap<>(Modality.class);
        if (plan.pipeline() != null && !plan.pipeline().isBlank()) {
            // one pipeline for every file: folders give the files of its kind
            Route r = check(registry, plan.routeFor(Modality.IMAGE), null);
            routes.put(r.descriptor().modality(), r);
            BatchNaming naming = naming(r);
            List<BatchItem> items = BatchExpansion.expand(plan, naming,
                    r.descriptor().modality() == Modality.SPEECH ? BatchExpansion.AUDIO : BatchExpansion.IMAGES);
            Map<Integer, Modality> kinds = new HashMap<>();
            items.forEach(i -> kinds.put(i.index(), r.descriptor().modality()));
            return new RestoreBatch(registry, models, dev, routes, items, kinds);
        }
        // each kind to its own pipeline
        Map<Path, Modality> kindOf = new HashMap<>();
        Function<Path, BatchNaming> namingFor = input -> {
            Modality kind = kindOf.computeIfAbsent(input, RestoreBatch::detect);
            if (kind == null) {
                return new BatchNaming("none", "none", 1); // fails as an item: nothing can read it
            }
            return naming(routes.computeIfAbsent(kind, k -> route(plan, registry, k)));
        };
        List<BatchItem> items = BatchExpansion.expand(plan, namingFor, BatchExpansion.MEDIA);
        Map<Integer, Modality> kinds = new HashMap<>();
        for (BatchItem i : items) {
            Modality k = kindOf.get(i.input());
            if (k != null) {
                kinds.put(i.index(), k);
            }
        }
        routes.forEach((kind, r) -> plan.route(kind, new BatchPlan.Route(r.descriptor().id(), r.model().id(),
                r.parameters())));
        return new RestoreBatch(registry, models, dev, routes, items, kinds);
    }

    /** The kind of media in a file, or null when it holds none we know (the item then fails when it runs). */
    private static Modality detect(Path input) {
        try {
            return MediaFiles.detect(input);
        } catch (RestoreFailedException e) {
            return null;
        }
    }

    /** The kind's route, else its default pipeline with the plan's model and parameters. */
    private static Route route(BatchPlan plan, PipelineRegistry registry, Modality kind) {
        BatchPlan.Route r = plan.routeFor(kind);
        if (r == null) {
            String id = DefaultPipelines.forKind(registry, kind, plan.parameters().keySet()).orElseThrow(() -> new RestoreFailedException(
                    RestoreFailedException.Reason.USAGE, "no default pipeline for " + describe(kind) + " ("
                    + String.join(", ", DefaultPipelines.preferred(kind)) + " not installed); choose one with"
                    + " --pipeline: " + String.join(", ", registry.ids())));
            r = new BatchPlan.Route(id, plan.model(), plan.parameters());
        }
        return check(registry, r, kind);
    }

    /** The route checked: the pipeline exists (and restores {@code kind} when given), model and parameters valid. */
    private static Route check(PipelineRegistry registry, BatchPlan.Route r, Modality kind) {
        PipelineRegistry.Registered reg = registry.find(r.pipeline()).orElseThrow(() -> new RestoreFailedException(
                RestoreFailedException.Reason.USAGE, "no pipeline '" + r.pipeline() + "'; known pipelines: "
                + String.join(", ", registry.ids())));
        PipelineDescriptor d = reg.descriptor();
        if (kind != null && d.modality() != kind) {
            throw new RestoreFailedException(RestoreFailedException.Reason.USAGE, "pipeline " + d.id() + " restores "
                    + describe(d.modality()) + ", not " + describe(kind));
        }
        try {
            ModelOption m = d.requireModel(r.model());
            ParameterValues.of(d.parameters(), r.parameters());
            return new Route(reg, m, r.parameters());
        } catch (IllegalArgumentException e) {
            throw new RestoreFailedException(RestoreFailedException.Reason.USAGE, "pipeline " + d.id() + ": " + e.getMessage(), e);
        }
    }

    private static BatchNaming naming(Route r) {
        return new BatchNaming(r.descriptor().id(), r.model().id(), r.model().scale());
    }

    private static String describe(Modality kind) {
        return kind == Modality.SPEECH ? "audio" : kind.name().toLowerCase(Locale.ROOT) + "s";
    }

    public List<BatchItem> items() {
        return items;
    }

    /** The pipeline of each media kind among the items (one entry for a single-pipeline plan). */
    public Map<Modality, Route> routes() {
        return java.util.Collections.unmodifiableMap(routes);
    }

    /** The route an item runs with, or null when its file holds no media this batch knows. */
    public Route routeOf(BatchItem item) {
        Modality k = kinds.get(item.index());
        return k == null ? null : routes.get(k);
    }

    /** The pipeline of a single-pipeline batch (else of its first kind); null when no item has a kind. */
    public PipelineDescriptor descriptor() {
        return routes.isEmpty() ? null : routes.values().iterator().next().descriptor();
    }

    /** The model of a single-pipeline batch (else of its first kind); null when no item has a kind. */
    public ModelOption model() {
        return routes.isEmpty() ? null : routes.values().iterator().next().model();
    }

    /** Loads every routed pipeline now (else each kind's first item does); a missing weight file is MODEL_MISSING. */
    public synchronized void load() {
        for (Modality kind : routes.keySet()) {
            loaded(kind);
        }
    }

    private synchronized LoadedPipeline loaded(Modality kind) {
        LoadedPipeline p = loaded.get(kind);
        if (p == null) {
            Route r = routes.get(kind);
            p = LoadedPipeline.load(r.pipeline(), r.model().id(), device, models);
            loaded.put(kind, p);
        }
        return p;
    }

    /** {@link #processor(long, Function, Consumer)} without a result callback. */
    public BatchItemProcessor processor(long seed, Function<BatchItem, StepListener> listeners) {
        return processor(seed, listeners, r -> { });
    }

    /**
     * The per-item processor.
     *
     * @param seed      noise seed for every item, or {@link RestoreRequest#RANDOM_SEED} for a fresh one each
     * @param listeners step listener for an item (may return null); called on the batch thread
     * @param results   gets each restored item's result (the seed used, the time), on the batch thread
     */
    public BatchItemProcessor processor(long seed, Function<BatchItem, StepListener> listeners,
                                        Consumer<RestoreResult> results) {
        Objects.requireNonNull(listeners);
        Objects.requireNonNull(results);
        return (item, output, token) -> {
            Modality kind = kinds.get(item.index());
            if (kind == null) {
                MediaFiles.detect(item.input()); // throws the reason, naming the file
                throw new RestoreFailedException(RestoreFailedException.Reason.INPUT, item.input()
                        + ": not an image or audio file");
            }
            Route r = routes.get(kind);
            LoadedPipeline p = loaded(kind);
            RestoreRequest request = new RestoreRequest(item.input(), r.descriptor().id(), r.model().id(),
                    r.parameters(), output, device, seed);
            try {
                results.accept(new RestoreTask(request, registry, models).runWith(p, listeners.apply(item), token));
            } catch (RuntimeException e) {
                if (DeviceChoice.isCpu(device) || token.isCancelled() || !OutOfMemory.onDevice(e)) {
                    throw e;
                }
                // the pipeline halved its tiles or chunks on the GPU already: this item runs on the CPU instead
                LOG.warn("{}: {} ran out of memory ({}); restoring it on the CPU instead", item.input(),
                        Devices.name(device), OutOfMemory.summary(e));
                RestoreRequest cpu = new RestoreRequest(item.input(), r.descriptor().id(), r.model().id(),
                        r.parameters(), output, Device.cpu(), seed);
                results.accept(new RestoreTask(cpu, registry, models).runWith(cpuPipeline(kind),
                        listeners.apply(item), token));
            }
        };
    }

    /** The kind's pipeline loaded on the CPU, for items the GPU has no memory for (loaded on first need, kept). */
    private synchronized LoadedPipeline cpuPipeline(Modality kind) {
        LoadedPipeline p = onCpu.get(kind);
        if (p == null) {
            Route r = routes.get(kind);
            p = LoadedPipeline.load(r.pipeline(), r.model().id(), Device.cpu(), models);
            onCpu.put(kind, p);
        }
        return p;
    }

    /** Frees the pipelines' weights. */
    @Override
    public synchronized void close() {
        List<LoadedPipeline> all = new ArrayList<>(loaded.values());
        all.addAll(onCpu.values());
        loaded.clear();
        onCpu.clear();
        RuntimeException first = null;
        for (LoadedPipeline p : all) {
            try {
                p.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
