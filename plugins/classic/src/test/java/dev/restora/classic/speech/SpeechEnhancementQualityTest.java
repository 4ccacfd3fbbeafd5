package dev.restora.classic.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.audio.AudioClip;
import dev.restora.audio.AudioIO;
import dev.restora.audio.metrics.SpeechMetrics;
import dev.restora.audio.metrics.Stoi;
import dev.restora.core.diffusion.PreviewPolicy;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The classic denoiser on the test-assets recordings: SI-SDR and segmental SNR of noisy and enhanced speech
 * against the clean reference, printed for the README; each case must improve by at least the stated margin.
 */
class SpeechEnhancementQualityTest {

    record Case(String clean, String noisy, double minSiSdrGain, double minSegSnrGain) {
    }

    static final Case[] CASES = {
        new Case("speech_clean_16k_mono.wav", "speech_noisy_pink_16k_mono.wav", 3, 3),
        new Case("speech_clean_16k_mono.wav", "speech_noisy_white_16k_mono.wav", 3, 3),
        new Case("speech_clean_16k_mono.wav", "speech_noisy_babble_16k_mono.wav", 0, 0),
        new Case("speech_clean_48k_mono.wav", "speech_noisy_pink_48k_mono.wav", 3, 3),
        new Case("speech_clean_48k_stereo.wav", "speech_noisy_48k_stereo.wav", 3, 3),
    };

    @Test
    void improvesSiSdrAndSegmentalSnr() {
        for (String estimator : new String[] {"log-mmse", "om-lsa", "wiener"}) {
            for (Case c : CASES) {
                AudioClip clean = AudioIO.read(ClassicSpeechPipelineTest.asset(c.clean()));
                AudioClip noisy = AudioIO.read(ClassicSpeechPipelineTest.asset(c.noisy()));
                long t0 = System.nanoTime();
                AudioClip out = ClassicSpeechPipelineTest.run(noisy, Map.of("estimator", estimator), new ArrayList<>(),
                        PreviewPolicy.OFF);
                double seconds = (System.nanoTime() - t0) / 1e9;
                assertEquals(clean.frames(), out.frames());
                for (int ch = 0; ch < clean.channelCount(); ch++) {
                    float[] s = clean.channels()[ch];
                    double siIn = SpeechMetrics.siSdr(noisy.channels()[ch], s);
                    double siOut = SpeechMetrics.siSdr(out.channels()[ch], s);
                    double segIn = SpeechMetrics.segmentalSnr(noisy.channels()[ch], s, clean.sampleRate());
                    double segOut = SpeechMetrics.segmentalSnr(out.channels()[ch], s, clean.sampleRate());
                    double stoiIn = Stoi.compute(s, noisy.channels()[ch], clean.sampleRate());
                    double stoiOut = Stoi.compute(s, out.channels()[ch], clean.sampleRate());
                    System.out.printf("classic-speech %-8s %-34s ch%d  SI-SDR %6.2f -> %6.2f dB (%+5.2f)  "
                                    + "segSNR %6.2f -> %6.2f dB (%+5.2f)  STOI %.3f -> %.3f  %.2f s run%n", estimator, c.noisy(),
                            ch + 1, siIn, siOut, siOut - siIn, segIn, segOut, segOut - segIn, stoiIn, stoiOut, seconds);
                    assertTrue(siOut - siIn > c.minSiSdrGain(), c.noisy() + " SI-SDR gain " + (siOut - siIn));
                    assertTrue(segOut - segIn > c.minSegSnrGain(), c.noisy() + " segSNR gain " + (segOut - segIn));
                    // a classic enhancer rarely raises intelligibility; it must not wreck it
                    assertTrue(stoiOut > stoiIn - 0.05, c.noisy() + " STOI " + stoiIn + " -> " + stoiOut);
                }
            }
        }
    }
}
