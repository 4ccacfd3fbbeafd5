package dev.restora.core.restore;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.restora.audio.AudioClip;
import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.StepEvent;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.models.CatalogEntry;
import dev.restora.core.pipeline.Media;
import dev.restora.core.pipeline.Modality;
import dev.restora.core.pipeline.ModelOption;
import dev.restora.core.pipeline.ParameterSpec;
import dev.restora.core.pipeline.PipelineContext;
import dev.restora.core.pipeline.PipelineDescriptor;
import dev.restora.core.pipeline.PipelineProvider;
import dev.restora.core.pipeline.RestorationPipeline;
import dev.restora.core.pipeline.RunContext;
import java.time.Duration;
import java.util.List;

/** Providers for the restore tests: real NDArray work, step events, cancellation checks. */
final class TestPipelines {
    private TestPipelines() {
    }

    /**
     * Image: a 2x nearest upscale plus {@code noise} x N(0,1) from the run's noise source, in {@code steps} steps
     * (each a cancellation check and a step event). Parameter fail=true throws a RestoraException.
     */
    static final class Upscale implements PipelineProvider {
        static final PipelineDescriptor D = new PipelineDescriptor("t-up", "Test up", Modality.IMAGE, "test",
                List.of(new ModelOption("plain", "Plain", List.of(), 2, ""),
                        new ModelOption("weighted", "Weighted", List.of("t-weights"), 2, "")),
                List.of(new ParameterSpec.IntSpec("steps", "Steps", "", 2, 1, 50),
                        new ParameterSpec.DoubleSpec("noise", "Noise", "", 0.0, 0.0, 1.0),
                        new ParameterSpec.BoolSpec("fail", "Fail", "", false),
                        new ParameterSpec.SeedSpec("seed", "Seed", "")));

        @Override
        public PipelineDescriptor descriptor() {
            return D;
        }

        @Override
        public List<CatalogEntry> catalog() {
            return List.of(new CatalogEntry("t-weights", "t.bin", "https://example.invalid/t.bin", -1, null, "CC0",
                    false, ""));
        }

        @Override
        public RestorationPipeline create(PipelineContext context) {
            if (!context.model().catalogEntryIds().isEmpty()) {
                context.models().require("t-weights");
            }
            return new RestorationPipeline() {
                @Override
                public PipelineDescriptor descriptor() {
                    return D;
                }

                @Override
                public Media run(Media input, RunContext ctx) {
                    ImageBuffer img = ((Media.Image) input).image();
                    int w = img.width();
                    int h = img.height();
                    int steps = ctx.parameters().getInt("steps");
                    NDArray x = ctx.scope().create(img.rgb(), new Shape(3, h, w)).repeat(1, 2).repeat(2, 2);
                    for (int i = 0; i < steps; i++) {
                        ctx.token().throwIfCancelled();
                        ctx.listener().onStep(new StepEvent(i, steps, 0, 1, "", Duration.ofMillis(i), null, null));
                    }
                    if (ctx.parameters().getBoolean("fail")) {
                        throw new RestoraException("the network produced NaN");
                    }
                    double sigma = ctx.parameters().getDouble("noise");
                    if (sigma > 0) {
                        x = x.add(ctx.noise().normal(ctx.scope(), x.getShape()).mul((float) sigma));
                    }
                    return Media.of(img.withPixels(2 * w, 2 * h, x.clip(0f, 1f).toFloatArray(), null));
                }
            };
        }
    }

    /** Speech: halves every sample. */
    static final class Halve implements PipelineProvider {
        static final PipelineDescriptor D = new PipelineDescriptor("t-halve", "Test halve", Modality.SPEECH, "test",
                List.of(new ModelOption("plain", "Plain", List.of(), 1, "")), List.of());

        @Override
        public PipelineDescriptor descriptor() {
            return D;
        }

        @Override
        public RestorationPipeline create(PipelineContext context) {
            return new RestorationPipeline() {
                @Override
                public PipelineDescriptor descriptor() {
                    return D;
                }

                @Override
                public Media run(Media input, RunContext ctx) {
                    AudioClip c = ((Media.Audio) input).clip();
                    float[][] out = new float[c.channelCount()][];
                    for (int k = 0; k < out.length; k++) {
                        out[k] = ctx.scope().create(c.channels()[k]).mul(0.5f).toFloatArray();
                    }
                    return Media.of(new AudioClip(out, c.sampleRate()));
                }
            };
        }
    }
}
