package dev.restora.core.pipeline;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.restora.core.models.ModelResolver;

/**
 * What a provider needs to build a pipeline.
 *
 * @param model    the chosen model
 * @param device   where the network runs (CPU or {@code Device.gpu(i)})
 * @param manager  owner of the weights; closed when the pipeline is closed or evicted
 * @param models   finds the weight files of the model's catalog entries (fails fast with a clear message when missing)
 */
public record PipelineContext(ModelOption model, Device device, NDManager manager, ModelResolver models) {
}
