package dev.restora.core.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.restora.core.pipeline.Modality;
import dev.restora.core.pipeline.ParameterSpec;
import dev.restora.core.pipeline.PipelineProvider;
import dev.restora.core.plugins.PipelineRegistry;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The default image pipeline: esrgan where installed, else classic-image, else the first weight-free one. */
class DefaultPipelinesTest {

    static PipelineProvider image(String id, boolean needsWeights) {
        return StandInProviders.image(id, needsWeights ? List.of("w") : List.of(), id.equals("classic-image")
                ? List.of(new ParameterSpec.IntSpec("scale", "Scale", "test", 4, 2, 4)) : List.of());
    }

    @Test
    void esrganLeadsThenClassicImageThenAWeightFreeOne() {
        PipelineRegistry all = PipelineRegistry.of(List.of(image("resshift", true), image("classic-image", false),
                image("esrgan", false)));
        assertEquals(Optional.of("esrgan"), DefaultPipelines.forKind(all, Modality.IMAGE));
        PipelineRegistry noEsrgan = PipelineRegistry.of(List.of(image("resshift", true), image("classic-image", false)));
        assertEquals(Optional.of("classic-image"), DefaultPipelines.forKind(noEsrgan, Modality.IMAGE));
        PipelineRegistry other = PipelineRegistry.of(List.of(image("resshift", true), image("lanczos", false)));
        assertEquals(Optional.of("lanczos"), DefaultPipelines.forKind(other, Modality.IMAGE));
        assertEquals(Optional.empty(), DefaultPipelines.forKind(PipelineRegistry.of(List.of(image("resshift", true))),
                Modality.IMAGE));
    }

    @Test
    void aScaleParameterKeepsTheDefaultOnClassicImage() {
        PipelineRegistry all = PipelineRegistry.of(List.of(image("classic-image", false), image("esrgan", false)));
        assertEquals(Optional.of("classic-image"), DefaultPipelines.forKind(all, Modality.IMAGE, List.of("scale")));
        assertEquals(Optional.of("esrgan"), DefaultPipelines.forKind(all, Modality.IMAGE, List.of()));
        // a parameter no preferred pipeline has: the plain default (validation then names the parameter)
        assertEquals(Optional.of("esrgan"), DefaultPipelines.forKind(all, Modality.IMAGE, List.of("nonsense")));
    }
}
