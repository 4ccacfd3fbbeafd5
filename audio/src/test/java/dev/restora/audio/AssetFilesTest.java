package dev.restora.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Files written by other tools (sox, flac, Python's wave module) read correctly; the bad corpus fails clearly. */
class AssetFilesTest {

    record Expect(int rate, int channels, SampleEncoding encoding, double tolerance) {
    }

    @Test
    void soxWrittenFormatsDecodeToTheSine() {
        Map<String, Expect> files = Map.ofEntries(
                Map.entry("pcm_u8_8k_mono.wav", new Expect(8000, 1, SampleEncoding.PCM_U8, 1 / 128.0)),
                Map.entry("pcm16_16k_stereo.wav", new Expect(16000, 2, SampleEncoding.PCM_16, 1 / 32768.0)),
                Map.entry("pcm24_44k_mono.wav", new Expect(44100, 1, SampleEncoding.PCM_24, 1e-6)),
                Map.entry("pcm32_48k_mono.wav", new Expect(48000, 1, SampleEncoding.PCM_32, 1e-6)),
                Map.entry("float32_22k_mono.wav", new Expect(22050, 1, SampleEncoding.FLOAT_32, 1e-6)),
                Map.entry("float64_96k_stereo.wav", new Expect(96000, 2, SampleEncoding.FLOAT_64, 1e-6)),
                Map.entry("pcm24_48k_6ch_extensible.wav", new Expect(48000, 6, SampleEncoding.PCM_24, 1e-6)),
                Map.entry("mulaw_8k_mono.wav", new Expect(8000, 1, SampleEncoding.PCM_16, 0.02)),
                Map.entry("alaw_8k_mono.wav", new Expect(8000, 1, SampleEncoding.PCM_16, 0.02)),
                Map.entry("flac16_44k_stereo.flac", new Expect(44100, 2, SampleEncoding.PCM_16, 1 / 32768.0)),
                Map.entry("flac24_48k_mono.flac", new Expect(48000, 1, SampleEncoding.PCM_24, 1e-6)),
                Map.entry("flac_named_as.wav", new Expect(44100, 2, SampleEncoding.PCM_16, 1 / 32768.0)));
        for (Map.Entry<String, Expect> e : files.entrySet()) {
            Path f = TestAssets.audio("formats/" + e.getKey());
            AudioClip c = AudioIO.read(f);
            Expect x = e.getValue();
            assertEquals(x.rate(), c.sampleRate(), e.getKey());
            assertEquals(x.channels(), c.channelCount(), e.getKey());
            assertEquals(x.encoding(), c.sourceEncoding(), e.getKey());
            assertEquals(Math.round(0.05 * x.rate()), c.frames(), e.getKey());
            // sox's own decoding of the same file (float32, interleaved)
            ByteBuffer ref;
            try {
                ref = ByteBuffer.wrap(Files.readAllBytes(TestAssets.audio("formats/decoded/" + e.getKey() + ".f32")))
                        .order(ByteOrder.LITTLE_ENDIAN);
            } catch (IOException io) {
                throw new UncheckedIOException(io);
            }
            assertEquals(c.frames() * c.channelCount() * 4, ref.capacity(), e.getKey());
            double worst = 0;
            for (int i = 0; i < c.frames(); i++) {
                for (int ch = 0; ch < c.channelCount(); ch++) {
                    worst = Math.max(worst, Math.abs(c.channels()[ch][i] - ref.getFloat()));
                }
            }
            assertTrue(worst <= 1e-7, e.getKey() + " differs from sox's decoding by " + worst);
            // and it is the 1 kHz sine sox was asked for (sox's generator itself is only about -70 dB clean)
            SineFit fit = SineFit.fit(c.channels()[0], 0, c.frames(), 1000, x.rate());
            assertEquals(0.5, fit.amplitude, 0.01, e.getKey());
            assertTrue(fit.residualRms < Math.max(x.tolerance(), 1e-3), e.getKey() + " residual " + fit.residualRms);
        }
    }

    @Test
    void g711MatchesSoxDecoding() {
        // `sox alaw_8k_mono.wav -t s16 -` gives these first samples
        int[] sox = {1376, 11520, 16896, 11520, 88, -11520, -16128, -11520};
        float[] s = AudioIO.read(TestAssets.audio("formats/alaw_8k_mono.wav")).channels()[0];
        for (int i = 0; i < sox.length; i++) {
            assertEquals(sox[i] / 32768f, s[i], 0f, "sample " + i);
        }
    }

    @Test
    void speechAssetsHaveTheDocumentedLayout() {
        String[][] files = {{"speech_clean_16k_mono.wav", "16000", "1"}, {"speech_noisy_pink_16k_mono.wav", "16000", "1"},
            {"speech_noisy_white_16k_mono.wav", "16000", "1"}, {"speech_noisy_babble_16k_mono.wav", "16000", "1"},
            {"speech_reverb_16k_mono.wav", "16000", "1"}, {"speech_clean_48k_mono.wav", "48000", "1"},
            {"speech_noisy_pink_48k_mono.wav", "48000", "1"}, {"speech_clean_48k_stereo.wav", "48000", "2"},
            {"speech_noisy_48k_stereo.wav", "48000", "2"}};
        for (String[] f : files) {
            AudioClip c = AudioIO.read(TestAssets.audio(f[0]));
            assertEquals(Integer.parseInt(f[1]), c.sampleRate(), f[0]);
            assertEquals(Integer.parseInt(f[2]), c.channelCount(), f[0]);
            assertTrue(c.seconds() >= 3.0 && c.seconds() <= 4.0, f[0]);
        }
    }

    @Test
    void badCorpusGivesClearMessages() {
        Map<String, String> expected = Map.of(
                "audio_truncated.wav", "truncated: the header declares 16000 bytes of audio",
                "audio_empty.wav", "the file is empty (0 bytes)",
                "audio_text.wav", "not a WAV or FLAC file: it looks like a text file",
                "audio_really_png.wav", "not a WAV or FLAC file: it is a PNG image",
                "audio_ima_adpcm.wav", "unsupported WAV sample encoding: IMA ADPCM",
                "audio_ms_adpcm.wav", "unsupported WAV sample encoding: Microsoft ADPCM",
                "audio_nan_float.wav", "contains 2 NaN or infinite float samples (first at 0.006250 s, frame 100",
                "audio_huge_header.wav", "truncated: the header declares 2147483632 bytes of audio");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            Path f = TestAssets.dir().resolve("bad").resolve(e.getKey());
            AudioFormatException ex = assertThrows(AudioFormatException.class, () -> AudioIO.read(f), e.getKey());
            assertTrue(ex.getMessage().startsWith(f + ": "), ex.getMessage());
            assertTrue(ex.getMessage().contains(e.getValue()), ex.getMessage());
        }
    }
}
