package dev.restora.sgmse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.restora.audio.metrics.SpeechMetrics;
import dev.restora.core.diffusion.SeededNoise;
import dev.restora.core.diffusion.Stage;
import dev.restora.core.parity.ParityFixtures;
import dev.restora.sgmse.nn.EncoderPropagation;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Encoder propagation (Faster Diffusion) on the public SGMSE+ fixture model: the key-step schedules, that running the
 * encoder at every step reproduces the exact output, and how far the paper's schedule moves the output (SI-SDR
 * against the exact output, printed).
 */
class EncoderPropagationTest {

    @Test
    void schedulesFollowThePaperScaledToTheStepCount() {
        assertEquals(Set.of(0, 1, 2, 3, 5, 10, 15, 25, 35), EncoderPropagation.schedule("paper", 50));
        assertEquals(Set.of(0, 1, 2, 3, 6, 9, 15, 21), EncoderPropagation.schedule("paper", 30));
        assertEquals(Set.of(0, 3, 6, 9), EncoderPropagation.schedule("every-3", 10));
        assertEquals(Set.of(0), EncoderPropagation.schedule("paper", 1));
        assertThrows(IllegalArgumentException.class, () -> EncoderPropagation.schedule("sometimes", 10));
    }

    @Test
    void encoderAtEveryStepIsExactAndThePaperScheduleReusesFeatures() {
        ParityFixtures fx = ParityFixtures.family("sgmse");
        try (NDManager m = NDManager.newBaseManager()) {
            SgmseModel model = SgmseModel.load(Models.read(fx.file("sgmse_ncsnpp_small.ckpt"), m), false);
            SgmseEnhancer enhancer = new SgmseEnhancer(model);
            float[] noisy = fx.load(m, fx.caseNamed("pipe_8000").getAsJsonObject("inputs").get("noisy")).toFloatArray();
            int n = 12;
            float[] exact = enhance(enhancer, m, noisy, new EnhanceOptions("pc", n, 1, 0.5, false, "ald"));
            float[] everyStep = enhance(enhancer, m, noisy, new EnhanceOptions("pc", n, 1, 0.5, false, "ald", "every-1"));
            assertArrayEquals(exact, everyStep, 1e-6f, "the encoder run at every step must give the exact output");
            float[] paper = enhance(enhancer, m, noisy, new EnhanceOptions("pc", n, 1, 0.5, false, "ald", "paper"));
            float[] sparse = enhance(enhancer, m, noisy, new EnhanceOptions("pc", n, 1, 0.5, false, "ald", "every-3"));
            double siSdrPaper = SpeechMetrics.siSdr(paper, exact);
            double siSdrSparse = SpeechMetrics.siSdr(sparse, exact);
            System.out.printf("encoder propagation, N=%d PC, fixture model: SI-SDR vs exact: paper %.1f dB, every-3 %.1f dB%n",
                    n, siSdrPaper, siSdrSparse);
            float[] reference = enhance(enhancer, m, noisy, new EnhanceOptions("pc", 30, 1, 0.5, false, "ald"));
            float[] preview = enhance(enhancer, m, noisy,
                    SpeechPresets.fastPreview(SpeechPresets.Kind.SCORE).options(30, 0.5));
            System.out.printf("fast-preview vs the default N=30 PC run, fixture model: SI-SDR %.1f dB%n",
                    SpeechMetrics.siSdr(preview, reference));
            assertFalse(java.util.Arrays.equals(exact, paper), "the paper's schedule must reuse features");
            assertTrue(Double.isFinite(siSdrPaper) && Double.isFinite(siSdrSparse));
            assertThrows(IllegalArgumentException.class, () -> enhance(enhancer, m, noisy,
                    new EnhanceOptions("ode", n, 1, 0.5, false, "ald", "paper")));
        }
    }

    private static float[] enhance(SgmseEnhancer e, NDManager m, float[] noisy, EnhanceOptions o) {
        try (NDManager scope = m.newSubManager()) {
            return e.enhance(noisy, PipelineParityTest.context(scope, new SeededNoise(7)), o, Stage.WHOLE, dev.restora.sgmse.sampling.SamplerProbe.NONE);
        }
    }
}
