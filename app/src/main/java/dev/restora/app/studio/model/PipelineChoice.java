package dev.restora.app.studio.model;

import dev.restora.core.pipeline.ModelOption;
import dev.restora.core.plugins.PipelineRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The choice of pipeline, model and parameters, shared by the workspace (the pipelines of the item's kind) and the
 * batch dialog (every pipeline, or "automatic": each media kind gets its default, see {@link
 * dev.restora.core.restore.DefaultPipelines}). Parameter edits are remembered per pipeline while switching. The
 * {@code pipeline} is null when automatic (then there is no model and the form is empty). UI executor.
 */
public final class PipelineChoice {
    private final List<PipelineRegistry.Registered> pipelines;
    private final boolean automatic;
    private final Prop<PipelineRegistry.Registered> pipeline = new Prop<>(null);
    private final Prop<ModelOption> model = new Prop<>(null);
    private final Prop<ParameterForm> form = new Prop<>(new ParameterForm(List.of()));
    private final Map<String, Map<String, Object>> remembered = new LinkedHashMap<>();

    /**
     * @param pipelines what can be chosen
     * @param automatic whether "automatic" (no pipeline: each kind its default) can be chosen; it is then the start
     */
    public PipelineChoice(List<PipelineRegistry.Registered> pipelines, boolean automatic) {
        this.pipelines = List.copyOf(pipelines);
        this.automatic = automatic;
        if (!automatic && !pipelines.isEmpty()) {
            select(pipelines.get(0));
        }
    }

    public List<PipelineRegistry.Registered> pipelines() {
        return pipelines;
    }

    /** Whether "automatic" is offered. */
    public boolean offersAutomatic() {
        return automatic;
    }

    /** The chosen pipeline, or null for automatic (or when none fits). */
    public Prop<PipelineRegistry.Registered> pipeline() {
        return pipeline;
    }

    public Prop<ModelOption> model() {
        return model;
    }

    public Prop<ParameterForm> form() {
        return form;
    }

    public boolean isAutomatic() {
        return pipeline.get() == null;
    }

    /** Chooses a pipeline (null: automatic, where offered) with its default model and its remembered parameters. */
    public void select(PipelineRegistry.Registered r) {
        if (r == null && !automatic) {
            throw new IllegalArgumentException("a pipeline must be chosen here");
        }
        PipelineRegistry.Registered old = pipeline.get();
        if (old != null) {
            remembered.put(old.descriptor().id(), form.get().overrides());
        }
        pipeline.set(r);
        ParameterForm f = new ParameterForm(r == null ? List.of() : r.descriptor().parameters());
        if (r != null) {
            f.apply(remembered.getOrDefault(r.descriptor().id(), Map.of()));
        }
        form.set(f);
        model.set(r == null ? null : r.descriptor().defaultModel());
    }

    public void selectModel(ModelOption m) {
        if (pipeline.get() != null) {
            model.set(m);
        }
    }

    /** The models of the chosen pipeline (none when automatic). */
    public List<ModelOption> models() {
        PipelineRegistry.Registered r = pipeline.get();
        return r == null ? List.of() : r.descriptor().models();
    }
}
