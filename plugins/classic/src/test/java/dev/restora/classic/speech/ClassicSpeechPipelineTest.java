package dev.restora.classic.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.audio.AudioClip;
import dev.restora.audio.AudioIO;
import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.CancelledException;
import dev.restora.core.diffusion.PreviewFrame;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.StepEvent;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.pipeline.Media;
import dev.restora.core.pipeline.Modality;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.PipelineDescriptor;
import dev.restora.core.pipeline.PipelineProvider;
import dev.restora.core.pipeline.RestorationPipeline;
import dev.restora.core.pipeline.RunContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class ClassicSpeechPipelineTest {

    static Path asset(String name) {
        Path p = Path.of("").toAbsolutePath();
        for (int i = 0; i < 5 && p != null; i++, p = p.getParent()) {
            Path t = p.resolve("test-assets").resolve("audio").resolve(name);
            if (Files.exists(t)) {
                return t;
            }
        }
        throw new IllegalStateException("test asset not found: " + name);
    }

    static PipelineProvider provider() {
        for (PipelineProvider p : ServiceLoader.load(PipelineProvider.class)) {
            if (p.descriptor().id().equals(ClassicSpeechProvider.ID)) {
                return p;
            }
        }
        throw new AssertionError("classic-speech not registered with ServiceLoader");
    }

    static RunContext context(PipelineDescriptor d, Map<String, ?> params, List<StepEvent> events,
                              CancellationToken token, PreviewPolicy previews) {
        return new RunContext(null, null, ParameterValues.of(d.parameters(), params), null, events::add, token,
                previews);
    }

    static AudioClip run(AudioClip in, Map<String, ?> params, List<StepEvent> events, PreviewPolicy previews) {
        PipelineProvider p = provider();
        try (RestorationPipeline pipe = p.create(null)) {
            Media out = pipe.run(Media.of(in), context(p.descriptor(), params, events, new CancellationToken(), previews));
            return assertInstanceOf(Media.Audio.class, out).clip();
        }
    }

    @Test
    void providerIsRegisteredAndWeightFree() {
        PipelineDescriptor d = provider().descriptor();
        assertEquals(Modality.SPEECH, d.modality());
        assertEquals(1, d.models().size());
        assertTrue(d.defaultModel().catalogEntryIds().isEmpty());
        assertTrue(provider().catalog().isEmpty());
        ParameterValues v = ParameterValues.of(d.parameters(), Map.of("strength", "0.3", "estimator", "wiener"));
        assertEquals(0.3, v.getDouble("strength"));
        assertThrows(IllegalArgumentException.class, () -> ParameterValues.of(d.parameters(), Map.of("strength", 2.0)));
        SpeechEnhancer.Settings s = ClassicSpeechPipeline.settings(v);
        assertEquals(SpectralGain.Estimator.WIENER, s.estimator());
        assertEquals(14, s.maxAttenuationDb(), 1e-9);
    }

    @Test
    void stereo48kKeepsLayoutAndReportsEveryBlockWithPreviews() {
        AudioClip in = AudioIO.read(asset("speech_noisy_48k_stereo.wav"));
        List<StepEvent> events = new ArrayList<>();
        AudioClip out = run(in, Map.of(), events, PreviewPolicy.EVERY_STEP);
        assertEquals(in.sampleRate(), out.sampleRate());
        assertEquals(2, out.channelCount());
        assertEquals(in.frames(), out.frames());
        assertEquals(in.sourceBits(), out.sourceBits());
        int frames = 1 + in.frames() / 384;
        int steps = (frames + ClassicSpeechPipeline.FRAMES_PER_STEP - 1) / ClassicSpeechPipeline.FRAMES_PER_STEP;
        assertEquals(2 * steps, events.size());
        for (int i = 0; i < events.size(); i++) {
            StepEvent e = events.get(i);
            assertEquals(i / steps, e.stage());
            assertEquals(i % steps, e.step());
            assertEquals(2, e.stages());
            assertEquals("channel " + (e.stage() + 1) + "/2", e.stageLabel());
            PreviewFrame.Spectrogram s = assertInstanceOf(PreviewFrame.Spectrogram.class, e.preview());
            // 769 bins max-pooled by 2 for display; every frame shown
            assertEquals(385, s.bins());
            assertEquals(frames, s.frames());
            assertEquals(s.bins() * s.frames(), s.db().length);
        }
        assertEquals(1.0, events.get(events.size() - 1).fraction(), 1e-12);
        for (float[] c : out.channels()) {
            for (float v : c) {
                assertTrue(Float.isFinite(v));
            }
        }
    }

    @Test
    void quickBenchmarkReportsItsMeasurements() {
        java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
        Map<String, Object> r = provider().benchmark().run(null, new java.io.PrintStream(text, true), true);
        assertEquals("classic-speech", r.get("pipeline"));
        assertEquals(0, r.get("parameters"));
        List<?> runs = assertInstanceOf(List.class, r.get("measurements"));
        assertEquals(2, runs.size());
        for (Object o : runs) {
            Map<?, ?> m = assertInstanceOf(Map.class, o);
            assertTrue(((Number) m.get("seconds")).doubleValue() > 0);
            assertTrue(((Number) m.get("seconds_with_previews")).doubleValue() > 0);
            assertTrue(((Number) m.get("peak_memory_bytes")).longValue() > 0);
        }
        System.out.print(text);
        assertTrue(text.toString().contains("48 kHz, 2 channels"), text.toString());
    }

    @Test
    void previewsOffMeansNoPreviewFrames() {
        AudioClip in = AudioIO.read(asset("speech_noisy_pink_16k_mono.wav"));
        List<StepEvent> events = new ArrayList<>();
        run(in, Map.of(), events, PreviewPolicy.OFF);
        assertTrue(events.size() > 3);
        for (StepEvent e : events) {
            assertNull(e.preview());
            assertEquals(1, e.stages());
        }
        // the throttled default still renders the last step
        events.clear();
        run(in, Map.of(), events, new PreviewPolicy(true, 1000, 0));
        assertNotNull(events.get(events.size() - 1).preview());
        assertNull(events.get(0).preview());
    }

    @Test
    void cancellationStopsTheRun() {
        PipelineProvider p = provider();
        AudioClip in = AudioIO.read(asset("speech_noisy_pink_16k_mono.wav"));
        CancellationToken token = new CancellationToken();
        List<StepEvent> events = new ArrayList<>();
        RunContext ctx = new RunContext(null, null, ParameterValues.defaults(p.descriptor().parameters()), null,
                e -> {
                    events.add(e);
                    token.cancel();
                }, token, PreviewPolicy.OFF);
        RestorationPipeline pipe = p.create(null);
        assertThrows(CancelledException.class, () -> pipe.run(Media.of(in), ctx));
        assertEquals(1, events.size());
    }

    @Test
    void oddInputsWork() {
        // any rate and channel count, tiny and silent clips
        Random r = new Random(5);
        for (int rate : new int[] {8000, 11025, 22050, 44100, 96000}) {
            float[][] x = new float[3][rate / 2];
            for (float[] c : x) {
                for (int i = 0; i < c.length; i++) {
                    c[i] = (float) (0.01 * r.nextGaussian());
                }
            }
            AudioClip out = run(new AudioClip(x, rate, 24), Map.of(), new ArrayList<>(), PreviewPolicy.OFF);
            assertEquals(3, out.channelCount());
            assertEquals(rate / 2, out.frames());
            // stationary noise alone is attenuated
            double ein = 0;
            double eout = 0;
            for (int i = rate / 10; i < rate / 2 - rate / 10; i++) {
                ein += x[1][i] * x[1][i];
                eout += out.channels()[1][i] * out.channels()[1][i];
            }
            double db = 10 * Math.log10(eout / ein);
            assertTrue(db < -10, rate + " Hz: noise only reduced by " + db + " dB");
        }
        AudioClip silent = run(new AudioClip(new float[][] {new float[4000]}, 16000), Map.of(), new ArrayList<>(),
                PreviewPolicy.EVERY_STEP);
        for (float v : silent.channels()[0]) {
            assertEquals(0f, v);
        }
        assertEquals(0, run(new AudioClip(new float[][] {new float[0]}, 16000), Map.of(), new ArrayList<>(),
                PreviewPolicy.EVERY_STEP).frames());
        assertEquals(7, run(new AudioClip(new float[][] {{0.1f, -0.2f, 0.3f, 0f, 0f, 0.1f, 0.2f}}, 16000), Map.of(),
                new ArrayList<>(), PreviewPolicy.OFF).frames());
    }

    @Test
    void imagesAreRefused() {
        PipelineProvider p = provider();
        RunContext ctx = context(p.descriptor(), Map.of(), new ArrayList<>(), new CancellationToken(), PreviewPolicy.OFF);
        Media image = Media.of(ImageBuffer.rgb(2, 2, new float[12]));
        RestoraException e = assertThrows(RestoraException.class, () -> p.create(null).run(image, ctx));
        assertTrue(e.getMessage().contains("not image input"), e.getMessage());
    }
}
