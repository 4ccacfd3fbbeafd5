package dev.restora.core.restore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.restora.audio.AudioClip;
import dev.restora.audio.AudioFileSpec;
import dev.restora.audio.AudioIO;
import dev.restora.audio.SampleEncoding;
import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.CancelledException;
import dev.restora.core.diffusion.StepEvent;
import dev.restora.core.engine.EngineSetup;
import dev.restora.core.jobs.Job;
import dev.restora.core.jobs.JobListener;
import dev.restora.core.jobs.JobPriority;
import dev.restora.core.jobs.JobState;
import dev.restora.core.jobs.WorkerPool;
import dev.restora.core.models.ModelResolver;
import dev.restora.core.plugins.PipelineRegistry;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestoreTaskTest {
    private static final PipelineRegistry REGISTRY = PipelineRegistry.of(List.of(new TestPipelines.Upscale(),
            new TestPipelines.Halve()));
    private static final ModelResolver NO_MODELS = id -> {
        throw new RestoraException("model file " + id + ".bin is missing: put it in /models");
    };

    @TempDir
    Path dir;

    @BeforeAll
    static void engine() {
        EngineSetup.configure();
    }

    private static Path png(Path file, int w, int h, boolean alpha) throws IOException {
        BufferedImage img = new BufferedImage(w, h, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, ((alpha ? 40 + 20 * x : 255) << 24) | ((10 * x) << 16) | ((20 * y) << 8) | 77);
            }
        }
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    private RestoreRequest request(Path in, String pipeline, Map<String, ?> params, long seed) {
        return new RestoreRequest(in, pipeline, null, params, RestoreRequest.defaultOutput(in, dir.resolve("out"),
                pipeline), Device.cpu(), seed);
    }

    private List<String> outFiles() throws IOException {
        Path out = dir.resolve("out");
        if (!Files.isDirectory(out)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(out)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void restoresAnImageWithAlphaResampledToTheOutputSize() throws Exception {
        Path in = png(dir.resolve("a.png"), 6, 4, true);
        List<StepEvent> events = new CopyOnWriteArrayList<>();
        RestoreResult r = new RestoreTask(request(in, "t-up", Map.of("steps", "3"), 11), REGISTRY, NO_MODELS)
                .run(events::add, new CancellationToken());
        assertEquals(dir.resolve("out").resolve("a_t-up.png"), r.output());
        assertEquals(11, r.seed());
        assertTrue(r.seeded(), "t-up has a seed parameter");
        assertEquals("plain", r.modelId());
        assertEquals(3, events.size());
        BufferedImage out = ImageIO.read(r.output().toFile());
        assertEquals(12, out.getWidth());
        assertEquals(8, out.getHeight());
        assertTrue(out.getColorModel().hasAlpha());
        float[] srcAlpha = new float[24];
        for (int i = 0; i < 24; i++) {
            srcAlpha[i] = (40 + 20 * (i % 6)) / 255f;
        }
        float[] expected = dev.restora.core.image.ImageOps.resizeAlpha(srcAlpha, 6, 4, 12, 8);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 12; x++) {
                assertEquals(Math.round(expected[y * 12 + x] * 255), out.getRGB(x, y) >>> 24, 1);
                assertEquals(77, out.getRGB(x, y) & 0xff);
            }
        }
        assertEquals(List.of("a_t-up.png"), outFiles());
    }

    @Test
    void theSeedMakesRunsReproducibleAndMinusOnePicksOne() throws Exception {
        Path in = png(dir.resolve("n.png"), 8, 8, false);
        Map<String, String> noisy = Map.of("noise", "0.2");
        byte[] first = Files.readAllBytes(new RestoreTask(request(in, "t-up", noisy, 5), REGISTRY, NO_MODELS)
                .run(null, new CancellationToken()).output());
        byte[] again = Files.readAllBytes(new RestoreTask(request(in, "t-up", noisy, 5), REGISTRY, NO_MODELS)
                .run(null, new CancellationToken()).output());
        byte[] other = Files.readAllBytes(new RestoreTask(request(in, "t-up", noisy, 6), REGISTRY, NO_MODELS)
                .run(null, new CancellationToken()).output());
        assertArrayEquals(first, again);
        assertFalse(java.util.Arrays.equals(first, other));
        RestoreResult picked = new RestoreTask(request(in, "t-up", noisy, -1), REGISTRY, NO_MODELS)
                .run(null, new CancellationToken());
        assertTrue(picked.seed() >= 0);
        byte[] replay = Files.readAllBytes(new RestoreTask(request(in, "t-up", noisy, picked.seed()), REGISTRY,
                NO_MODELS).run(null, new CancellationToken()).output());
        assertArrayEquals(Files.readAllBytes(picked.output()), replay);
        // a seed given as the pipeline's seed parameter counts when the request leaves the seed to chance
        RestoreResult viaParam = new RestoreTask(request(in, "t-up", Map.of("noise", "0.2", "seed", "5"), -1),
                REGISTRY, NO_MODELS).run(null, new CancellationToken());
        assertEquals(5, viaParam.seed());
        assertArrayEquals(first, Files.readAllBytes(viaParam.output()));
    }

    @Test
    void runsAsAJobOnTheWorkerPoolWithProgress() throws Exception {
        Path in = png(dir.resolve("j.png"), 4, 4, false);
        List<StepEvent> events = new CopyOnWriteArrayList<>();
        try (WorkerPool pool = new WorkerPool(List.of(Device.cpu()), 1)) {
            Job<RestoreResult> job = new Job<>("restore", JobPriority.BATCH, new RestoreTask(
                    request(in, "t-up", Map.of("steps", 4), 1), REGISTRY, NO_MODELS));
            job.addListener(new JobListener() {
                @Override
                public void progress(Job<?> j, StepEvent e) {
                    events.add(e);
                }
            });
            pool.submit(job);
            assertTrue(job.await(Duration.ofMinutes(1)));
            assertEquals(JobState.SUCCEEDED, job.state(), job::errorMessage);
            assertEquals(4, events.size());
            assertTrue(Files.isRegularFile(job.result().output()));
            assertEquals(1, pool.lanes().get(0).pipelines().size(), "the lane keeps the pipeline loaded");

            Job<RestoreResult> bad = pool.submit("bad", JobPriority.BATCH, new RestoreTask(
                    request(dir.resolve("missing.png"), "t-up", Map.of(), 1), REGISTRY, NO_MODELS));
            assertTrue(bad.await(Duration.ofMinutes(1)));
            assertEquals(JobState.FAILED, bad.state());
            assertTrue(bad.errorMessage().contains("missing.png"), bad::errorMessage);
            assertEquals(RestoreFailedException.Reason.INPUT, ((RestoreFailedException) bad.error()).reason());
        }
    }

    @Test
    void audioKeepsItsContainerAndSampleFormat() throws Exception {
        float[] s = new float[1000];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (0.6 * Math.sin(i * 0.05));
        }
        AudioClip clip = new AudioClip(new float[][] {s, s}, 22050);
        Object[][] cases = {{"wav", SampleEncoding.PCM_16}, {"wav", SampleEncoding.PCM_24},
            {"wav", SampleEncoding.PCM_32}, {"wav", SampleEncoding.FLOAT_32}, {"flac", SampleEncoding.PCM_24}};
        for (Object[] c : cases) {
            SampleEncoding enc = (SampleEncoding) c[1];
            Path in = dir.resolve("v" + enc + "." + c[0]);
            AudioIO.write(clip, in, c[0].equals("flac") ? AudioFileSpec.flac(enc) : AudioFileSpec.wav(enc));
            RestoreResult r = new RestoreTask(request(in, "t-halve", Map.of(), 1), REGISTRY, NO_MODELS)
                    .run(null, new CancellationToken());
            assertTrue(r.output().getFileName().toString().endsWith("_t-halve." + c[0]), r.output()::toString);
            assertFalse(r.seeded(), "t-halve takes no seed, so none is reported");
            AudioClip back = AudioIO.read(r.output());
            assertEquals(enc, back.sourceEncoding(), in::toString);
            assertEquals(22050, back.sampleRate());
            assertEquals(2, back.channelCount());
            for (int i = 0; i < s.length; i += 37) {
                assertEquals(s[i] * 0.5, back.channels()[1][i], enc == SampleEncoding.PCM_16 ? 1e-4 : 1e-6);
            }
        }
    }

    @Test
    void badInputsAreNamedAndLeaveNoFile() throws Exception {
        Path good = png(dir.resolve("g.png"), 4, 4, false);
        Path trunc = dir.resolve("t.png");
        Files.write(trunc, java.util.Arrays.copyOf(Files.readAllBytes(good), 30));
        RestoreFailedException e = assertThrows(RestoreFailedException.class, () -> new RestoreTask(
                request(trunc, "t-up", Map.of(), 1), REGISTRY, NO_MODELS).run(null, new CancellationToken()));
        assertEquals(RestoreFailedException.Reason.INPUT, e.reason());
        assertTrue(e.getMessage().contains("t.png"), e::getMessage);

        Path text = dir.resolve("notes.wav");
        Files.writeString(text, "hello, not audio");
        e = assertThrows(RestoreFailedException.class, () -> new RestoreTask(request(text, "t-halve", Map.of(), 1),
                REGISTRY, NO_MODELS).run(null, new CancellationToken()));
        assertEquals(RestoreFailedException.Reason.INPUT, e.reason());
        assertTrue(e.getMessage().contains("notes.wav"), e::getMessage);

        e = assertThrows(RestoreFailedException.class, () -> new RestoreTask(request(good, "t-halve", Map.of(), 1),
                REGISTRY, NO_MODELS).run(null, new CancellationToken()));
        assertEquals(RestoreFailedException.Reason.INPUT, e.reason());
        assertTrue(e.getMessage().contains("g.png") && e.getMessage().contains("t-halve"), e::getMessage);

        e = assertThrows(RestoreFailedException.class, () -> new RestoreTask(request(good, "t-up", Map.of("fail", "true"),
                1), REGISTRY, NO_MODELS).run(null, new CancellationToken()));
        assertEquals(RestoreFailedException.Reason.PIPELINE, e.reason());
        assertTrue(e.getMessage().contains("g.png") && e.getMessage().contains("NaN"), e::getMessage);

        e = assertThrows(RestoreFailedException.class, () -> new RestoreTask(request(good, "t-up", Map.of("steps", "99"),
                1), REGISTRY, NO_MODELS).run(null, new CancellationToken()));
        assertEquals(RestoreFailedException.Reason.USAGE, e.reason());

        e = assertThrows(RestoreFailedException.class, () -> new RestoreTask(request(good, "nope", Map.of(), 1),
                REGISTRY, NO_MODELS).run(null, new CancellationToken()));
        assertEquals(RestoreFailedException.Reason.USAGE, e.reason());
        assertTrue(e.getMessage().contains("t-up") && e.getMessage().contains("t-halve"), e::getMessage);

        RestoreRequest weighted = new RestoreRequest(good, "t-up", "weighted", Map.of(), dir.resolve("out/w.png"),
                Device.cpu(), 1);
        e = assertThrows(RestoreFailedException.class, () -> new RestoreTask(weighted, REGISTRY, NO_MODELS)
                .run(null, new CancellationToken()));
        assertEquals(RestoreFailedException.Reason.MODEL_MISSING, e.reason());
        assertTrue(e.getMessage().contains("t-weights.bin"), e::getMessage);
        assertEquals(List.of(), outFiles());
    }

    @Test
    void cancellingStopsWithoutAnOutput() throws Exception {
        Path in = png(dir.resolve("c.png"), 4, 4, false);
        CancellationToken token = new CancellationToken();
        assertThrows(CancelledException.class, () -> new RestoreTask(request(in, "t-up", Map.of("steps", "10"), 1),
                REGISTRY, NO_MODELS).run(e -> {
                    if (e.step() == 2) {
                        token.cancel();
                    }
                }, token));
        assertEquals(List.of(), outFiles());
    }

    @Test
    void outputNamesFollowTheInputFormat() {
        assertEquals(Path.of("/o/x_p.png"), RestoreRequest.defaultOutput(Path.of("/i/x.png"), Path.of("/o"), "p"));
        assertEquals(Path.of("/o/x_p.jpg"), RestoreRequest.defaultOutput(Path.of("/i/x.jpg"), Path.of("/o"), "p"));
        assertEquals(Path.of("/o/x_p.png"), RestoreRequest.defaultOutput(Path.of("/i/x.webp"), Path.of("/o"), "p"));
        assertEquals(Path.of("/i/x_p.wav"), RestoreRequest.defaultOutput(Path.of("/i/x.wav"), null, "p"));
        assertEquals(Path.of("/o/x_p.flac"), RestoreRequest.defaultOutput(Path.of("/i/x.flac"), Path.of("/o"), "p"));
        assertNotEquals(Path.of("/i/x.wav"), RestoreRequest.defaultOutput(Path.of("/i/x.wav"), Path.of("/i"), "p"));
    }
}
