package dev.restora.classic.image;

import dev.restora.core.RestoraException;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.pipeline.Media;
import dev.restora.core.pipeline.Modality;
import dev.restora.core.pipeline.ModelOption;
import dev.restora.core.pipeline.ParameterSpec;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.PipelineBenchmark;
import dev.restora.core.pipeline.PipelineContext;
import dev.restora.core.pipeline.PipelineDescriptor;
import dev.restora.core.pipeline.PipelineProvider;
import dev.restora.core.pipeline.RestorationPipeline;
import dev.restora.core.pipeline.RunContext;
import java.util.List;

/**
 * The weight-free image upscaler, the studio's embedded default: works offline with no download and is the
 * quality floor the diffusion models must beat. See {@link ClassicUpscaler} for the method.
 */
public final class ClassicImageProvider implements PipelineProvider {
    public static final String ID = "classic-image";
    public static final String SCALE = "scale";
    public static final String SHARPEN = "sharpen";
    public static final String BACK_PROJECTION = "backProjection";

    private static final PipelineDescriptor DESCRIPTOR = new PipelineDescriptor(ID, "Classic upscaler",
            Modality.IMAGE,
            "Lanczos-3 enlargement refined by back-projection, with edge-aware sharpening. No model download; fast.",
            List.of(new ModelOption("lanczos-x4", "Lanczos-3 + edge-aware sharpening", List.of(), 4,
                    "Weight-free upscaler in plain Java: the embedded default.")),
            List.of(
                    new ParameterSpec.IntSpec(SCALE, "Scale", "Output size over input size", 4, 2, 4),
                    new ParameterSpec.DoubleSpec(SHARPEN, "Sharpening",
                            "Edge-aware sharpening strength (0 = off)", 0.6, 0.0, 2.0),
                    new ParameterSpec.IntSpec(BACK_PROJECTION, "Back-projection steps",
                            "Refinement steps making the result consistent with the input (0 = plain Lanczos)", 2, 0, 10)));

    @Override
    public PipelineDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public RestorationPipeline create(PipelineContext context) {
        return new Pipeline();
    }

    @Override
    public PipelineBenchmark benchmark() {
        return new ClassicImageBenchmark();
    }

    /** Reads the run parameters into upscaler settings. */
    public static ClassicUpscaler.Settings settings(ParameterValues p) {
        return new ClassicUpscaler.Settings(p.getInt(SCALE), p.getInt(BACK_PROJECTION), p.getDouble(SHARPEN));
    }

    private static final class Pipeline implements RestorationPipeline {
        @Override
        public PipelineDescriptor descriptor() {
            return DESCRIPTOR;
        }

        @Override
        public Media run(Media input, RunContext context) {
            if (!(input instanceof Media.Image image)) {
                throw new RestoraException(ID + " restores images, not " + input.modality().name().toLowerCase());
            }
            ImageBuffer in = image.image();
            ParameterValues p = context.parameters() == null ? ParameterValues.defaults(DESCRIPTOR.parameters())
                    : context.parameters();
            return Media.of(ClassicUpscaler.upscale(in, settings(p), context.listener(), context.token(),
                    context.previews()));
        }
    }
}
