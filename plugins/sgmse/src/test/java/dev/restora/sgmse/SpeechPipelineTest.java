package dev.restora.sgmse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.restora.audio.AudioClip;
import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.CancelledException;
import dev.restora.core.diffusion.PreviewFrame;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.SeededNoise;
import dev.restora.core.diffusion.StepEvent;
import dev.restora.core.diffusion.StepListener;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.models.CatalogEntry;
import dev.restora.core.parity.ParityFixtures;
import dev.restora.core.pipeline.Media;
import dev.restora.core.pipeline.Modality;
import dev.restora.core.pipeline.ModelOption;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.PipelineContext;
import dev.restora.core.pipeline.PipelineProvider;
import dev.restora.core.pipeline.RestorationPipeline;
import dev.restora.core.pipeline.RunContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The providers as the studio uses them: service registration, catalog, a real pipeline on the small fixture
 * checkpoints (released-format files), stereo, chunking with crossfades, previews, cancellation and bad input.
 */
class SpeechPipelineTest {

    private static List<PipelineProvider> providers() {
        List<PipelineProvider> out = new ArrayList<>();
        ServiceLoader.load(PipelineProvider.class).forEach(out::add);
        return out;
    }

    @Test
    void providersAreRegisteredWithEveryReleasedCheckpoint() {
        List<PipelineProvider> ps = providers();
        PipelineProvider sgmse = ps.stream().filter(p -> p instanceof SgmseProvider).findFirst().orElseThrow();
        PipelineProvider storm = ps.stream().filter(p -> p instanceof StormProvider).findFirst().orElseThrow();
        for (PipelineProvider p : List.of(sgmse, storm)) {
            assertEquals(Modality.SPEECH, p.descriptor().modality());
            Set<String> entries = new HashSet<>();
            for (CatalogEntry e : p.catalog()) {
                assertTrue(e.url().startsWith("https://"), e.id());
                assertFalse(e.licence().isBlank(), e.id());
                assertTrue(entries.add(e.id()), "duplicate " + e.id());
            }
            for (ModelOption m : p.descriptor().models()) {
                assertTrue(entries.containsAll(m.catalogEntryIds()), m.id());
            }
            assertNotNull(p.benchmark());
        }
        // 5 journal/EARS + 7 GenSE + SB + 3 ReverbFX; 5 StoRM
        assertEquals(16, sgmse.descriptor().models().size());
        assertEquals(5, storm.descriptor().models().size());
    }

    static RestorationPipeline create(PipelineProvider p, String modelId, String fixtureFamily, String file,
                                              NDManager weights) {
        Path ckpt = ParityFixtures.family(fixtureFamily).file(file);
        ModelOption option = p.descriptor().requireModel(modelId);
        return p.create(new PipelineContext(option, Device.cpu(), weights, id -> ckpt));
    }

    private static RunContext run(NDManager scope, RestorationPipeline p, Map<String, ?> params, long seed,
                                  StepListener listener, CancellationToken token, PreviewPolicy previews) {
        return new RunContext(scope, Device.cpu(), ParameterValues.of(p.descriptor().parameters(), params),
                new SeededNoise(seed), listener, token, previews);
    }

    /** A speech-like test signal: harmonics with a vibrato plus noise. */
    static float[] signal(int n, int rate, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] x = new float[n];
        double phase = 0;
        for (int i = 0; i < n; i++) {
            double f0 = 140 + 30 * Math.sin(2 * Math.PI * 3 * i / rate);
            phase += 2 * Math.PI * f0 / rate;
            double env = 0.5 + 0.5 * Math.sin(2 * Math.PI * 2.5 * i / rate);
            x[i] = (float) (0.3 * env * (Math.sin(phase) + 0.5 * Math.sin(2 * phase) + 0.25 * Math.sin(3 * phase))
                    + 0.05 * r.nextGaussian());
        }
        return x;
    }

    @Test
    void stereoChannelsShareTheSeedAndMatchAMonoRun() {
        try (NDManager weights = NDManager.newBaseManager()) {
            RestorationPipeline p = create(new SgmseProvider(), "sgmse-vbdmd", "sgmse", "sgmse_ncsnpp_small.ckpt", weights);
            float[] x = signal(8000, 16000, 1);
            float[] quiet = x.clone();
            for (int i = 0; i < quiet.length; i++) {
                quiet[i] *= 0.25f;
            }
            Map<String, Object> params = Map.of("steps", 2, "chunk_seconds", 0.0);
            AudioClip stereo;
            AudioClip mono;
            try (NDManager scope = NDManager.newBaseManager()) {
                stereo = ((Media.Audio) p.run(Media.of(new AudioClip(new float[][] {x, quiet}, 16000, 16)),
                        run(scope, p, params, 7, StepListener.NONE, new CancellationToken(), PreviewPolicy.OFF))).clip();
            }
            try (NDManager scope = NDManager.newBaseManager()) {
                mono = ((Media.Audio) p.run(Media.of(new AudioClip(new float[][] {x}, 16000, 16)),
                        run(scope, p, params, 7, StepListener.NONE, new CancellationToken(), PreviewPolicy.OFF))).clip();
            }
            assertEquals(2, stereo.channelCount());
            assertEquals(x.length, stereo.frames());
            assertEquals(16000, stereo.sampleRate());
            assertArrayEquals(mono.channels()[0], stereo.channels()[0], "channel 0 equals the mono run");
            // peak normalisation: a channel at a quarter of the level gives a quarter of the output
            float[] a = stereo.channels()[0];
            float[] b = stereo.channels()[1];
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i] * 0.25f, b[i], 1e-6 + 1e-5 * Math.abs(a[i]), "sample " + i);
            }
            assertFalse(java.util.Arrays.equals(a, x), "the model changed the signal");
        }
    }

    @Test
    void chunkSeamsStayCloseToTheUnchunkedRun() {
        try (NDManager weights = NDManager.newBaseManager()) {
            // StoRM's predictive mode is deterministic: chunked and unchunked runs differ only through chunking
            RestorationPipeline p = create(new StormProvider(), "storm-vbdmd", "storm", "storm_small.ckpt", weights);
            // the measurement: a 30 s recording in the default 10 s chunks (1 s crossfades) against one run
            int rate = 16000;
            float[] x = signal(30 * rate, rate, 3);
            AudioClip clip = new AudioClip(new float[][] {x}, rate, 16);
            float[] whole;
            float[] chunked;
            try (NDManager scope = NDManager.newBaseManager()) {
                whole = ((Media.Audio) p.run(Media.of(clip), run(scope, p, Map.of("sampler", "denoiser",
                        "chunk_seconds", 0.0), 1, StepListener.NONE, new CancellationToken(), PreviewPolicy.OFF))).clip()
                        .channels()[0];
            }
            try (NDManager scope = NDManager.newBaseManager()) {
                chunked = ((Media.Audio) p.run(Media.of(clip), run(scope, p, Map.of("sampler", "denoiser",
                        "chunk_seconds", 10.0), 1, StepListener.NONE, new CancellationToken(), PreviewPolicy.OFF))).clip()
                        .channels()[0];
            }
            ChunkPlan plan = ChunkPlan.of(x.length, 10 * rate, rate);
            assertTrue(plan.chunks().size() >= 3, "the clip must have seams");
            double rms = rms(whole, 0, whole.length);
            double seam = 0;
            double interior = 0;
            int seams = 0;
            for (int k = 1; k < plan.chunks().size(); k++) {
                int s = plan.chunks().get(k).start();
                seam = Math.max(seam, rmsDiff(whole, chunked, s, s + plan.overlap()));
                int mid = (plan.chunks().get(k - 1).start() + plan.chunks().get(k - 1).end()) / 2;
                interior = Math.max(interior, rmsDiff(whole, chunked, mid - plan.overlap() / 2, mid + plan.overlap() / 2));
                seams++;
            }
            double jump = maxStep(chunked) / maxStep(whole);
            System.out.printf("chunk seams: %d seams, RMS error in crossfades %.4f, in chunk middles %.4f "
                    + "(relative to output RMS %.4f: %.2f%% / %.2f%%), largest sample step chunked/unchunked %.3f%n",
                    seams, seam, interior, rms, 100 * seam / rms, 100 * interior / rms, jump);
            // the small fixture network is not a trained model and sees the whole chunk (global attention), so chunk
            // context changes its output everywhere; the crossfade itself must add no error beyond that
            assertTrue(seam <= 1.25 * interior, "crossfade regions deviate by " + seam + ", chunk middles by " + interior);
            assertTrue(jump < 1.25, "the chunked output has a discontinuity: max sample step ratio " + jump);
        }
    }

    @Test
    void otherRatesAreConvertedToTheModelRateAndBackInPlace() {
        // the conversion round trip the pipeline makes keeps a band-limited signal where it was
        int rate = 44100;
        float[] x = new float[rate / 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * i / rate) * Math.sin(Math.PI * i / x.length));
        }
        RateConverter rc = RateConverters.standard();
        float[] down = rc.convert(x, rate, 16000);
        assertEquals(Math.round(x.length * 16000.0 / rate), down.length);
        float[] back = rc.convert(down, 16000, rate);
        double err = 0;
        for (int i = 0; i < x.length; i++) {
            err = Math.max(err, Math.abs(x[i] - back[i]));
        }
        System.out.printf("44.1 kHz -> 16 kHz -> 44.1 kHz round trip: max error %.2e%n", err);
        assertTrue(err < 1e-3, "round trip error " + err);
        try (NDManager weights = NDManager.newBaseManager()) {
            RestorationPipeline p = create(new StormProvider(), "storm-vbdmd", "storm", "storm_small.ckpt", weights);
            float[] left = signal(11025, 22050, 4);
            float[] right = signal(11025, 22050, 5);
            try (NDManager scope = NDManager.newBaseManager()) {
                AudioClip out = ((Media.Audio) p.run(Media.of(new AudioClip(new float[][] {left, right}, 22050, 24)),
                        run(scope, p, Map.of("sampler", "denoiser"), 1, StepListener.NONE, new CancellationToken(),
                                PreviewPolicy.OFF))).clip();
                assertEquals(22050, out.sampleRate());
                assertEquals(11025, out.frames());
                assertEquals(2, out.channelCount());
                assertEquals(24, out.sourceBits());
            }
        }
    }

    @Test
    void chunkJoinReassemblesExactSlices() {
        float[] x = signal(10_000, 16000, 9);
        for (int[] cfg : new int[][] {{3000, 750}, {4000, 1000}, {9999, 100}, {0, 0}, {2500, 1}}) {
            ChunkPlan plan = ChunkPlan.of(x.length, cfg[0], cfg[1]);
            List<float[]> parts = new ArrayList<>();
            for (ChunkPlan.Chunk c : plan.chunks()) {
                assertTrue(c.length() >= cfg[1], "no chunk shorter than the overlap");
                parts.add(java.util.Arrays.copyOfRange(x, c.start(), c.end()));
            }
            float[] y = plan.join(parts);
            for (int i = 0; i < x.length; i++) {
                assertEquals(x[i], y[i], 1e-6, "sample " + i + " with chunks " + cfg[0] + "/" + cfg[1]);
            }
        }
    }

    private static double rms(float[] a, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += a[i] * a[i];
        }
        return Math.sqrt(s / (to - from));
    }

    private static double rmsDiff(float[] a, float[] b, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s / (to - from));
    }

    private static double maxStep(float[] a) {
        double m = 0;
        for (int i = 1; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - a[i - 1]));
        }
        return m;
    }

    @Test
    void previewsShowThePredictedCleanSpectrogramAndAudio() {
        try (NDManager weights = NDManager.newBaseManager()) {
            RestorationPipeline p = create(new SgmseProvider(), "sgmse-vbdmd", "sgmse", "sgmse_ncsnpp_small.ckpt", weights);
            float[] x = signal(6000, 16000, 5);
            List<StepEvent> events = new ArrayList<>();
            try (NDManager scope = NDManager.newBaseManager()) {
                p.run(Media.of(new AudioClip(new float[][] {x}, 16000)), run(scope, p,
                        Map.of("steps", 2, "corrector_steps", 0, "preview_audio", true), 3, events::add,
                        new CancellationToken(), PreviewPolicy.EVERY_STEP));
            }
            assertEquals(2, events.size());
            for (StepEvent e : events) {
                PreviewFrame.Spectrogram s = (PreviewFrame.Spectrogram) e.preview();
                assertEquals(256, s.bins());
                assertEquals(1 + 6000 / 128, s.frames(), "the recording's own frames, not the padding");
                assertEquals(16000, s.sampleRate());
                assertEquals(6000, s.audio().length);
                for (float v : s.db()) {
                    assertTrue(Float.isFinite(v));
                }
            }
        }
    }

    @Test
    void cancellationAndBadInputGiveClearErrors() {
        try (NDManager weights = NDManager.newBaseManager()) {
            RestorationPipeline p = create(new SgmseProvider(), "sgmse-vbdmd", "sgmse", "sgmse_ncsnpp_small.ckpt", weights);
            CancellationToken token = new CancellationToken();
            token.cancel();
            try (NDManager scope = NDManager.newBaseManager()) {
                RunContext ctx = run(scope, p, Map.of("steps", 2), 1, StepListener.NONE, token, PreviewPolicy.OFF);
                assertThrows(CancelledException.class,
                        () -> p.run(Media.of(new AudioClip(new float[][] {signal(4000, 16000, 1)}, 16000)), ctx));
                RunContext ok = run(scope, p, Map.of("steps", 2), 1, StepListener.NONE, new CancellationToken(),
                        PreviewPolicy.OFF);
                RestoraException shortClip = assertThrows(RestoraException.class,
                        () -> p.run(Media.of(new AudioClip(new float[][] {new float[300]}, 16000)), ok));
                assertTrue(shortClip.getMessage().contains("too short"), shortClip.getMessage());
                assertThrows(RestoraException.class, () -> p.run(Media.of(ImageBuffer.rgb(2, 2, new float[12])), ok));
            }
            // a StoRM checkpoint offered to the SGMSE+ pipeline is refused with the reason
            Path storm = ParityFixtures.family("storm").file("storm_small.ckpt");
            SgmseProvider sp = new SgmseProvider();
            RestoraException wrong = assertThrows(RestoraException.class, () -> sp.create(new PipelineContext(
                    sp.descriptor().defaultModel(), Device.cpu(), weights, id -> storm)));
            assertTrue(wrong.getMessage().contains("StoRM"), wrong.getMessage());
        }
    }
}
