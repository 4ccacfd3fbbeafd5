package dev.restora.core.restore;

import dev.restora.core.pipeline.Modality;
import dev.restora.core.pipeline.ModelOption;
import dev.restora.core.pipeline.ParameterSpec;
import dev.restora.core.pipeline.PipelineContext;
import dev.restora.core.pipeline.PipelineDescriptor;
import dev.restora.core.pipeline.PipelineProvider;
import dev.restora.core.pipeline.RestorationPipeline;
import java.util.List;

/** Providers that only describe themselves, for tests of which pipeline is chosen (they cannot run). */
public final class StandInProviders {
    private StandInProviders() {
    }

    /** An x4 image pipeline {@code id} whose one model needs {@code catalogEntries}, with {@code parameters}. */
    public static PipelineProvider image(String id, List<String> catalogEntries, List<ParameterSpec<?>> parameters) {
        PipelineDescriptor d = new PipelineDescriptor(id, id, Modality.IMAGE, "stand-in",
                List.of(new ModelOption("m", "m", catalogEntries, 4, "stand-in")), parameters);
        return new PipelineProvider() {
            @Override
            public PipelineDescriptor descriptor() {
                return d;
            }

            @Override
            public RestorationPipeline create(PipelineContext context) {
                throw new UnsupportedOperationException("a stand-in for choosing pipelines: " + id);
            }
        };
    }
}
