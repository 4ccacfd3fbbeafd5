package dev.restora.sgmse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.restora.audio.metrics.SpeechMetrics;
import dev.restora.core.diffusion.SeededNoise;
import dev.restora.core.diffusion.Stage;
import dev.restora.core.parity.ParityFixtures;
import org.junit.jupiter.api.Test;

/**
 * Encoder propagation (Faster Diffusion) on the public SGMSE+ fixture model: running the encoder at every step
 * reproduces the exact output, and how far the paper's schedule moves the output (SI-SDR against the exact output,
 * printed). The key-step schedules are tested in restoration-core (KeyStepsTest).
 */
class EncoderPropagationTest {

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
