package dev.restora.classic.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.CancelledException;
import dev.restora.core.diffusion.PreviewFrame;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.SeededNoise;
import dev.restora.core.diffusion.StepEvent;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.image.ImageCodec;
import dev.restora.core.image.ImageFiles;
import dev.restora.core.image.ImageMetadata;
import dev.restora.core.pipeline.Media;
import dev.restora.core.pipeline.Modality;
import dev.restora.core.pipeline.ModelOption;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.PipelineContext;
import dev.restora.core.pipeline.PipelineProvider;
import dev.restora.core.pipeline.RestorationPipeline;
import dev.restora.core.pipeline.RunContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClassicImageProviderTest {
    static final Path IMAGES = Path.of("../../test-assets/images");
    static final Path BAD = Path.of("../../test-assets/bad");
    static NDManager manager;
    static ClassicImageProvider provider = new ClassicImageProvider();
    static RestorationPipeline pipeline;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        ModelOption model = provider.descriptor().defaultModel();
        pipeline = provider.create(new PipelineContext(model, Device.cpu(), manager, id -> {
            throw new AssertionError("no weights needed, asked for " + id);
        }));
    }

    @AfterAll
    static void tearDown() {
        pipeline.close();
        manager.close();
    }

    static Path tmpDir(String prefix) throws IOException {
        Path base = Files.createDirectories(Path.of(System.getProperty("restora.test.tmp", "target/test-tmp")));
        return Files.createTempDirectory(base, prefix);
    }

    static RunContext context(Map<String, ?> params, List<StepEvent> events, CancellationToken token,
                              PreviewPolicy previews) {
        return new RunContext(manager, Device.cpu(), ParameterValues.of(provider.descriptor().parameters(), params),
                new SeededNoise(1), events::add, token, previews);
    }

    static ImageBuffer run(ImageBuffer in, Map<String, ?> params) {
        return ((Media.Image) pipeline.run(Media.of(in), context(params, new ArrayList<>(), new CancellationToken(),
                PreviewPolicy.OFF))).image();
    }

    @Test
    void registeredAsAServiceWithAWeightFreeModel() {
        PipelineProvider found = ServiceLoader.load(PipelineProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.descriptor().id().equals("classic-image")).findFirst().orElseThrow();
        assertEquals(ClassicImageProvider.class, found.getClass());
        assertEquals(Modality.IMAGE, found.descriptor().modality());
        assertEquals(1, found.descriptor().models().size());
        ModelOption m = found.descriptor().defaultModel();
        assertEquals(4, m.scale());
        assertTrue(m.catalogEntryIds().isEmpty());
        assertTrue(found.catalog().isEmpty());
        assertThrows(IllegalArgumentException.class,
                () -> ParameterValues.of(found.descriptor().parameters(), Map.of("scale", 5)));
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void scalesKeepAlphaDepthGreynessAndMetadata(int scale) {
        ImageBuffer in = ImageCodec.read(IMAGES.resolve("sprite-alpha_x4.png"));
        byte[] exif = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0};
        ImageBuffer tagged = new ImageBuffer(in.width(), in.height(), in.rgb(), in.alpha(), 16, true,
                new ImageMetadata(null, exif));
        ImageBuffer out = run(tagged, Map.of("scale", scale));
        assertEquals(in.width() * scale, out.width());
        assertEquals(in.height() * scale, out.height());
        assertTrue(out.hasAlpha());
        assertEquals(out.width() * out.height(), out.alpha().length);
        assertEquals(16, out.bitDepth());
        assertTrue(out.grey());
        assertArrayEquals(exif, out.metadata().exif());
        for (float v : out.rgb()) {
            assertTrue(v >= 0f && v <= 1f);
        }
        // alpha is resampled, not processed: transparent corners stay transparent, the opaque middle stays opaque
        assertEquals(0f, out.alpha()[0], 1e-3);
        int mid = out.height() / 2 * out.width() + out.width() / 2;
        assertEquals(1f, out.alpha()[mid], 1e-3);
    }

    @Test
    void reportsEveryPassWithPreviewsOnlyWhenAsked() {
        ImageBuffer in = ImageCodec.read(IMAGES.resolve("text_x4.png"));
        List<StepEvent> events = new ArrayList<>();
        pipeline.run(Media.of(in), context(Map.of("backProjection", 2, "sharpen", 0.5), events,
                new CancellationToken(), PreviewPolicy.EVERY_STEP));
        assertEquals(4, events.size(), "Lanczos, 2 back-projection steps, sharpening");
        for (int i = 0; i < events.size(); i++) {
            StepEvent e = events.get(i);
            assertEquals(i, e.step());
            assertEquals(4, e.steps());
            assertFalse(e.stageLabel().isEmpty());
            PreviewFrame.Image p = (PreviewFrame.Image) e.preview();
            assertNotNull(p);
            assertEquals(in.width() * 4, p.width());
            assertEquals(p.width() * p.height(), p.argb().length);
        }
        assertEquals(1.0, events.get(3).fraction(), 1e-9);
        List<StepEvent> quiet = new ArrayList<>();
        pipeline.run(Media.of(in), context(Map.of(), quiet, new CancellationToken(), PreviewPolicy.OFF));
        assertFalse(quiet.isEmpty());
        assertTrue(quiet.stream().allMatch(e -> e.preview() == null));
    }

    @Test
    void largePreviewsAreCapped() {
        ImageBuffer in = ImageBuffer.rgb(300, 100, new float[3 * 300 * 100]);
        List<StepEvent> events = new ArrayList<>();
        pipeline.run(Media.of(in), context(Map.of("backProjection", 0, "sharpen", 0.0), events,
                new CancellationToken(), PreviewPolicy.EVERY_STEP));
        PreviewFrame.Image p = (PreviewFrame.Image) events.get(events.size() - 1).preview();
        assertEquals(ClassicUpscaler.PREVIEW_SIDE, p.width());
        assertEquals(341, p.height());
    }

    @Test
    void cancellationStopsTheRunAndFinishEarlyReturnsTheCurrentEstimate() {
        ImageBuffer in = ImageCodec.read(IMAGES.resolve("landscape_x4.png"));
        CancellationToken token = new CancellationToken();
        List<StepEvent> events = new ArrayList<>();
        RunContext ctx = new RunContext(manager, Device.cpu(),
                ParameterValues.of(provider.descriptor().parameters(), Map.of("backProjection", 5)),
                new SeededNoise(1), e -> {
                    events.add(e);
                    token.cancel();
                }, token, PreviewPolicy.OFF);
        assertThrows(CancelledException.class, () -> pipeline.run(Media.of(in), ctx));
        assertEquals(1, events.size(), "stopped right after the first pass");

        CancellationToken early = new CancellationToken();
        List<StepEvent> seen = new ArrayList<>();
        RunContext ctx2 = new RunContext(manager, Device.cpu(),
                ParameterValues.of(provider.descriptor().parameters(), Map.of("backProjection", 5)),
                new SeededNoise(1), e -> {
                    seen.add(e);
                    early.finishEarly();
                }, early, PreviewPolicy.OFF);
        ImageBuffer out = ((Media.Image) pipeline.run(Media.of(in), ctx2)).image();
        assertEquals(in.width() * 4, out.width());
        assertEquals(1, seen.size());
    }

    @Test
    void benchmarkPrintsTimings() {
        var out = new java.io.ByteArrayOutputStream();
        Map<String, Object> r = provider.benchmark().run(Device.cpu(), new java.io.PrintStream(out, true), true);
        System.out.print(out);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) r.get("upscale_x4_128");
        assertTrue(((Double) m.get("seconds")) > 0);
        assertTrue(((Long) m.get("peak_memory_bytes")) > 0);
        assertTrue(out.toString().contains("megapixels per second"));
    }

    @Test
    void refusesAnOutputThatCannotFitInMemoryBeforeAllocating() {
        long heap = Runtime.getRuntime().maxMemory();
        // an input whose x4 output needs more than the whole heap; the input itself is small enough to build
        int side = (int) Math.ceil(Math.sqrt(heap / (double) ClassicUpscaler.BYTES_PER_OUTPUT_PIXEL) / 4) + 16;
        ImageBuffer in = ImageBuffer.rgb(side, side, new float[3 * side * side]);
        RestoraException e = assertThrows(RestoraException.class, () -> run(in, Map.of()));
        assertTrue(e.getMessage().contains("megapixels") && e.getMessage().contains("smaller"), e.getMessage());
    }

    @Test
    void rejectsAudio() {
        var clip = new dev.restora.audio.AudioClip(new float[][] {new float[16]}, 16000);
        assertThrows(RestoraException.class, () -> pipeline.run(Media.of(clip),
                context(Map.of(), new ArrayList<>(), new CancellationToken(), PreviewPolicy.OFF)));
    }

    @Test
    void fileToFileWritesTheUpscaledImage() throws IOException {
        Path dir = tmpDir("classic");
        Path out = dir.resolve("up.png");
        ImageBuffer result = ImageFiles.process(IMAGES.resolve("gradient16_x4.png"), out, img -> run(img, Map.of()));
        ImageBuffer back = ImageCodec.read(out);
        assertEquals(256, back.width());
        assertEquals(16, back.bitDepth(), "16-bit in, 16-bit out");
        assertEquals(result.rgb()[1000], back.rgb()[1000], 1e-4);
        assertFalse(ImageFiles.hasLeftovers(dir));
    }

    static List<Path> badImages() throws IOException {
        try (Stream<Path> s = Files.list(BAD)) {
            return s.filter(p -> p.getFileName().toString().matches("(?i).*\\.(png|jpe?g|tiff?|webp|bmp|gif)$"))
                    .sorted().toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badImages")
    void badInputsThroughTheWritePathLeaveNoOutput(Path bad) throws IOException {
        Path dir = tmpDir("bad");
        Path out = dir.resolve("out.png");
        RestoraException e = assertThrows(RestoraException.class,
                () -> ImageFiles.process(bad, out, img -> run(img, Map.of())));
        assertTrue(e.getMessage().contains(bad.getFileName().toString()), e.getMessage());
        assertFalse(Files.exists(out), "no output file");
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(0, s.count(), "nothing at all in the output folder");
        }
    }

    @Test
    void aCancelledRunLeavesAnExistingOutputUntouched() throws IOException {
        Path dir = tmpDir("keep");
        Path out = dir.resolve("out.png");
        Files.writeString(out, "previous result");
        CancellationToken token = new CancellationToken();
        token.cancel();
        RunContext ctx = new RunContext(manager, Device.cpu(), ParameterValues.defaults(provider.descriptor().parameters()),
                new SeededNoise(1), e -> { }, token, PreviewPolicy.OFF);
        assertThrows(CancelledException.class, () -> ImageFiles.process(IMAGES.resolve("text_x4.png"), out,
                img -> ((Media.Image) pipeline.run(Media.of(img), ctx)).image()));
        assertEquals("previous result", Files.readString(out));
        assertFalse(ImageFiles.hasLeftovers(dir));
    }
}
