package dev.restora.spark;

import dev.restora.core.RestoraException;
import dev.restora.core.batch.BatchNaming;
import dev.restora.core.batch.BatchPlan;
import dev.restora.core.batch.ItemState;
import dev.restora.core.pipeline.Modality;
import dev.restora.core.pipeline.ModelOption;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.PipelineDescriptor;
import dev.restora.core.plugins.PipelineRegistry;
import dev.restora.core.restore.DefaultPipelines;
import dev.restora.core.restore.MediaFiles;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.Path;

/**
 * Binds a batch plan to the listed files on the driver: each file's pipeline (the plan's, else the core's default
 * for its media kind), model and output path (the plan's naming template under the output folder, mirroring the
 * file's relative path; two files that would share an output get {@code _2}, {@code _3} ... in listing order).
 * The plan's pipeline, model and parameters are checked here, before any task starts.
 */
final class JobPlanner {
    /** The items to run, and the files refused before running (no pipeline for their kind). */
    record Planned(List<SparkItem> items, List<ItemOutcome> refused) {
    }

    private record Binding(PipelineDescriptor descriptor, ModelOption model, BatchNaming naming) {
    }

    private final BatchPlan plan;
    private final PipelineRegistry registry;
    private final Map<String, Binding> bindings = new HashMap<>();

    JobPlanner(BatchPlan plan, PipelineRegistry registry) {
        this.plan = plan;
        this.registry = registry;
        if (plan.pipeline() != null && !plan.pipeline().isBlank()) {
            bind(plan.pipeline(), plan.model());
        }
    }

    /** Checks the pipeline, its model and the plan's parameters against it. */
    private Binding bind(String pipelineId, String modelId) {
        return bindings.computeIfAbsent(pipelineId, id -> {
            PipelineDescriptor d = registry.require(id).descriptor();
            try {
                ModelOption m = d.requireModel(modelId);
                ParameterValues.of(d.parameters(), plan.parameters());
                return new Binding(d, m, new BatchNaming(d.id(), m.id(), m.scale()));
            } catch (IllegalArgumentException e) {
                throw new RestoraException("pipeline " + d.id() + ": " + e.getMessage(), e);
            }
        });
    }

    Planned plan(List<Listing.Listed> files, Path outputRoot) {
        List<SparkItem> items = new ArrayList<>();
        List<ItemOutcome> refused = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        Set<Path> used = new HashSet<>();
        for (Listing.Listed f : files) {
            if (!seen.add(f.file())) {
                continue;
            }
            int index = items.size() + refused.size();
            Binding b = binding(f.file());
            if (b == null) {
                refused.add(new ItemOutcome(index, f.file().toString(), null, ItemState.FAILED, 0,
                        f.file() + ": neither an image nor an audio file by its extension; name the pipeline in the"
                        + " plan to restore it", null, "driver", null, 0, null));
                continue;
            }
            String name = b.naming().apply(plan.naming(), f.file().getName(), plan.format());
            String parent = f.relative().contains("/") ? f.relative().substring(0, f.relative().lastIndexOf('/')) : "";
            Path target = new Path(parent.isEmpty() ? outputRoot : new Path(outputRoot, parent), name);
            Path unique = target;
            for (int n = 2; used.contains(unique); n++) {
                unique = new Path(target.getParent(), BatchNaming.baseName(name) + "_" + n + "."
                        + BatchNaming.extension(name));
            }
            used.add(unique);
            items.add(new SparkItem(index, f.file().toString(), unique.toString(), b.descriptor().id(),
                    b.model().id()));
        }
        return new Planned(items, refused);
    }

    /** The plan's pipeline, else the default of the file's kind (by extension); null when there is none. */
    private Binding binding(Path file) {
        if (plan.pipeline() != null && !plan.pipeline().isBlank()) {
            return bind(plan.pipeline(), plan.model());
        }
        Modality kind = MediaFiles.kindByExtension(BatchNaming.extension(file.getName()));
        if (kind == null) {
            return null;
        }
        String id = DefaultPipelines.forKind(registry, kind).orElseThrow(() -> new RestoraException(
                "no installed pipeline restores " + kind.name().toLowerCase(java.util.Locale.ROOT)
                + " without weights (" + file.getName() + "); name one in the plan"));
        return bind(id, null);
    }
}
