package dev.restora.core.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.models.CatalogEntry;
import dev.restora.core.models.ModelCatalog;
import dev.restora.core.models.ModelStore;
import dev.restora.core.pipeline.Media;
import dev.restora.core.pipeline.Modality;
import dev.restora.core.pipeline.ModelOption;
import dev.restora.core.pipeline.ParameterSpec;
import dev.restora.core.pipeline.PipelineContext;
import dev.restora.core.pipeline.PipelineDescriptor;
import dev.restora.core.pipeline.PipelineProvider;
import dev.restora.core.pipeline.RestorationPipeline;
import dev.restora.core.pipeline.RunContext;
import dev.restora.core.plugins.PipelineRegistry;
import dev.restora.core.restore.RestoreFailedException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A batch through the real restore path (registry, model store, RestoreTask) with a small real image pipeline. */
class RestoreBatchTest {
    @TempDir
    Path tmp;

    /** Inverts images times a gain; model "weighted" needs a weight file from the store. */
    static final class InvertProvider implements PipelineProvider {
        static final AtomicInteger LOADS = new AtomicInteger();
        static final PipelineDescriptor D = new PipelineDescriptor("invert", "Invert", Modality.IMAGE, "test",
                List.of(new ModelOption("plain", "Plain", List.of(), 1, ""),
                        new ModelOption("weighted", "Weighted", List.of("invert-w"), 1, "")),
                List.of(new ParameterSpec.DoubleSpec("gain", "Gain", "", 1.0, 0.0, 1.0)));

        @Override
        public PipelineDescriptor descriptor() {
            return D;
        }

        @Override
        public List<CatalogEntry> catalog() {
            return List.of(new CatalogEntry("invert-w", "invert_w.bin", "https://example.invalid/invert_w.bin", -1, null,
                    "CC0", false, ""));
        }

        @Override
        public RestorationPipeline create(PipelineContext context) {
            for (String id : context.model().catalogEntryIds()) {
                context.models().require(id);
            }
            LOADS.incrementAndGet();
            return new RestorationPipeline() {
                @Override
                public PipelineDescriptor descriptor() {
                    return D;
                }

                @Override
                public Media run(Media input, RunContext ctx) {
                    ImageBuffer img = ((Media.Image) input).image();
                    float gain = (float) ctx.parameters().getDouble("gain");
                    float[] rgb = img.rgb().clone();
                    for (int i = 0; i < rgb.length; i++) {
                        rgb[i] = (1f - rgb[i]) * gain;
                    }
                    return Media.of(img.withPixels(img.width(), img.height(), rgb, img.alpha()));
                }
            };
        }
    }

    @Test
    void runsAPlanThroughRestoreTaskOnOneLoadedPipeline() throws IOException {
        Path in = tmp.resolve("in");
        TestImages.png(in.resolve("a.png"), 5, 4, 1);
        TestImages.png(in.resolve("deep/b.png"), 3, 3, 2);
        Files.writeString(in.resolve("notes.wav"), "not picked up by an image pipeline");
        PipelineRegistry registry = PipelineRegistry.of(List.of(new InvertProvider()));
        ModelStore store = new ModelStore(ModelCatalog.fromProviders(List.of(new InvertProvider())), tmp.resolve("models"));
        BatchPlan plan = new BatchPlan().inputs(List.of(in.toString())).output(tmp.resolve("out").toString())
                .pipeline("invert").parameters(Map.of("gain", 0.5)).naming("{name}_{pipeline}_{model}.{ext}");
        int loadsBefore = InvertProvider.LOADS.get();
        BatchReport report;
        try (RestoreBatch batch = RestoreBatch.prepare(plan, registry, store, Device.cpu())) {
            assertEquals(2, batch.items().size());
            report = new BatchRunner(plan, batch.items(), batch.processor(7, item -> null)).run();
        }
        assertEquals(2, report.count(ItemState.DONE), report.toJson());
        assertEquals(loadsBefore + 1, InvertProvider.LOADS.get(), "the pipeline is loaded once per batch");
        BufferedImage src = ImageIO.read(in.resolve("deep/b.png").toFile());
        BufferedImage dst = ImageIO.read(tmp.resolve("out/deep/b_invert_plain.png").toFile());
        int s = src.getRGB(1, 1) & 0xff;
        int d = dst.getRGB(1, 1) & 0xff;
        assertTrue(Math.abs((255 - s) * 0.5 - d) <= 1, s + " -> " + d);
    }

    /** Inverts images; on a GPU its run fails as libtorch does when CUDA runs out of memory. */
    static final class OutOfGpuMemoryProvider implements PipelineProvider {
        static final List<Device> LOADED_ON = new java.util.concurrent.CopyOnWriteArrayList<>();
        static final PipelineDescriptor D = new PipelineDescriptor("big", "Big", Modality.IMAGE, "test",
                List.of(new ModelOption("plain", "Plain", List.of(), 1, "")), List.of());

        @Override
        public PipelineDescriptor descriptor() {
            return D;
        }

        @Override
        public List<CatalogEntry> catalog() {
            return List.of();
        }

        @Override
        public RestorationPipeline create(PipelineContext context) {
            LOADED_ON.add(context.device());
            return new RestorationPipeline() {
                @Override
                public PipelineDescriptor descriptor() {
                    return D;
                }

                @Override
                public Media run(Media input, RunContext ctx) {
                    if (ctx.device().isGpu()) {
                        throw new ai.djl.engine.EngineException("CUDA out of memory. Tried to allocate 9.00 GiB "
                                + "(GPU 0; 7.79 GiB total capacity)");
                    }
                    ImageBuffer img = ((Media.Image) input).image();
                    float[] rgb = img.rgb().clone();
                    for (int i = 0; i < rgb.length; i++) {
                        rgb[i] = 1f - rgb[i];
                    }
                    return Media.of(img.withPixels(img.width(), img.height(), rgb, img.alpha()));
                }
            };
        }
    }

    @Test
    void anItemTheGpuHasNoMemoryForRunsOnTheCpu() throws IOException {
        Path in = tmp.resolve("in");
        TestImages.png(in.resolve("a.png"), 5, 4, 1);
        TestImages.png(in.resolve("b.png"), 4, 4, 2);
        PipelineRegistry registry = PipelineRegistry.of(List.of(new OutOfGpuMemoryProvider()));
        ModelStore store = new ModelStore(ModelCatalog.fromProviders(List.of(new OutOfGpuMemoryProvider())),
                tmp.resolve("models"));
        BatchPlan plan = new BatchPlan().inputs(List.of(in.toString())).output(tmp.resolve("out").toString())
                .pipeline("big");
        OutOfGpuMemoryProvider.LOADED_ON.clear();
        BatchReport report;
        // an injected GPU: the pipeline loaded "on gpu:0" allocates nothing there, its run fails with CUDA's text
        try (RestoreBatch batch = RestoreBatch.prepare(plan, registry, store, Device.gpu(0))) {
            report = new BatchRunner(plan, batch.items(), batch.processor(3, item -> null)).run();
        }
        assertEquals(2, report.count(ItemState.DONE), report.toJson());
        assertEquals(List.of(Device.gpu(0), Device.cpu()), OutOfGpuMemoryProvider.LOADED_ON,
                "loaded on the CPU once, for both items");
        BufferedImage src = ImageIO.read(in.resolve("b.png").toFile());
        BufferedImage dst = ImageIO.read(tmp.resolve("out/b_big.png").toFile());
        assertEquals(255 - (src.getRGB(1, 1) & 0xff), dst.getRGB(1, 1) & 0xff, 1.0, "restored on the CPU");
    }

    @Test
    void badPlansAndMissingWeightsAreClear() throws IOException {
        Path in = tmp.resolve("in");
        TestImages.png(in.resolve("a.png"), 4, 4, 1);
        PipelineRegistry registry = PipelineRegistry.of(List.of(new InvertProvider()));
        ModelStore store = new ModelStore(ModelCatalog.fromProviders(List.of(new InvertProvider())), tmp.resolve("models"));
        BatchPlan plan = new BatchPlan().inputs(List.of(in.toString())).output(tmp.resolve("out").toString());
        // no pipeline named: images go to the weight-free image pipeline; audio has none here
        try (RestoreBatch routed = RestoreBatch.prepare(plan, registry, store, Device.cpu())) {
            assertEquals("invert", routed.routeOf(routed.items().get(0)).descriptor().id());
        }
        dev.restora.audio.AudioIO.writeWav16(new dev.restora.audio.AudioClip(new float[][] {new float[100]}, 8000, 16),
                in.resolve("talk.wav"));
        RestoreFailedException none = assertThrows(RestoreFailedException.class,
                () -> RestoreBatch.prepare(new BatchPlan().inputs(List.of(in.toString()))
                        .output(tmp.resolve("out").toString()), registry, store, Device.cpu()));
        assertEquals(RestoreFailedException.Reason.USAGE, none.reason());
        assertTrue(none.getMessage().contains("no default pipeline for audio"), none.getMessage());
        Files.delete(in.resolve("talk.wav"));
        RestoreFailedException param = assertThrows(RestoreFailedException.class, () -> RestoreBatch.prepare(
                plan.pipeline("invert").parameters(Map.of("gain", 3)), registry, store, Device.cpu()));
        assertTrue(param.getMessage().contains("gain"), param.getMessage());
        RestoreFailedException model = assertThrows(RestoreFailedException.class, () -> RestoreBatch.prepare(
                plan.pipeline("invert").parameters(Map.of()).model("nope"), registry, store, Device.cpu()));
        assertTrue(model.getMessage().contains("plain"), model.getMessage());

        try (RestoreBatch batch = RestoreBatch.prepare(plan.model("weighted"), registry, store, Device.cpu())) {
            RestoreFailedException missing = assertThrows(RestoreFailedException.class, batch::load);
            assertEquals(RestoreFailedException.Reason.MODEL_MISSING, missing.reason());
            assertTrue(missing.getMessage().contains("invert_w.bin")
                    && missing.getMessage().contains(store.pathOf("invert-w").toString()), missing.getMessage());
        }
    }
}
