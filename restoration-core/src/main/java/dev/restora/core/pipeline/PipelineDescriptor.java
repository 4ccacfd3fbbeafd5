package dev.restora.core.pipeline;

import java.util.List;
import java.util.Optional;

/**
 * What a pipeline is, without loading anything: the studio and the command line list these.
 *
 * @param id             stable id ("resshift", "sgmse", "classic-image", ...)
 * @param displayName    name shown to the user
 * @param modality       the kind of input it takes
 * @param description    a sentence or two for the user
 * @param models         the selectable models, the first being the default
 * @param parameters     the run parameters with defaults and ranges
 */
public record PipelineDescriptor(String id, String displayName, Modality modality, String description,
                                 List<ModelOption> models, List<ParameterSpec<?>> parameters) {
    public PipelineDescriptor {
        models = List.copyOf(models);
        parameters = List.copyOf(parameters);
        if (models.isEmpty()) {
            throw new IllegalArgumentException("pipeline " + id + " has no model");
        }
    }

    public ModelOption defaultModel() {
        return models.get(0);
    }

    public Optional<ModelOption> model(String modelId) {
        return models.stream().filter(m -> m.id().equals(modelId)).findFirst();
    }

    /** The model with that id, or a clear error listing the known ones; null picks the default. */
    public ModelOption requireModel(String modelId) {
        if (modelId == null) {
            return defaultModel();
        }
        return model(modelId).orElseThrow(() -> new IllegalArgumentException("pipeline " + id + " has no model '"
                + modelId + "'; its models are " + models.stream().map(ModelOption::id).toList()));
    }
}
