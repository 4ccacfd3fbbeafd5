package dev.restora.sgmse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.restora.core.diffusion.Stage;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.RunContext;
import dev.restora.sgmse.sampling.SamplerProbe;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The named speech presets: {@code preset=fast-preview} resolves per model kind to the measured candidate and
 * replaces the sampler settings; without it the run is exact (the default); the candidates' network-call counts.
 */
class SpeechPresetsTest {

    /** An enhancer of a given kind that only answers {@link Enhancer#kind()} and {@link Enhancer#steps}. */
    private static Enhancer of(SpeechPresets.Kind kind, int defaultSteps) {
        return new Enhancer(null) {
            @Override
            public SpeechPresets.Kind kind() {
                return kind;
            }

            @Override
            public int steps(EnhanceOptions o) {
                return o.steps() > 0 ? o.steps() : defaultSteps;
            }

            @Override
            protected NDArray sample(NDArray y, NDManager run, RunContext context, EnhanceOptions options, Stage stage,
                                     SpectrogramPreview preview, SamplerProbe probe) {
                throw new UnsupportedOperationException();
            }
        };
    }

    private static EnhanceOptions options(SpeechPresets.Kind kind, int steps, Map<String, Object> params) {
        SgmseProvider provider = new SgmseProvider();
        SpeechEnhancementPipeline p = new SpeechEnhancementPipeline(provider.descriptor(), of(kind, steps),
                (x, a, b) -> x, new SpeechEnhancementPipeline.Recommended(steps, 0.5));
        return p.options(ParameterValues.of(provider.descriptor().parameters(), params));
    }

    @Test
    void theDefaultIsExactAndFastPreviewIsThePresetOfTheKind() {
        EnhanceOptions exact = options(SpeechPresets.Kind.SCORE, 30, Map.of());
        assertEquals(new EnhanceOptions("pc", 30, 1, 0.5, false, "ald", null), exact, "the default is the exact PC");
        for (SpeechPresets.Kind kind : SpeechPresets.Kind.values()) {
            int n = kind == SpeechPresets.Kind.STORM ? 50 : 30;
            EnhanceOptions fast = options(kind, n, Map.of(SpeechParameters.PRESET, SpeechParameters.FAST_PREVIEW,
                    SpeechParameters.STEPS, 40, SpeechParameters.CORRECTOR_STEPS, 3));
            SpeechPresets.Candidate c = SpeechPresets.fastPreview(kind);
            assertEquals(c.options(n, 0.5), fast, kind + ": the preset replaces steps and corrector");
            assertTrue(c.networkCalls(kind, n) * 3 <= SpeechPresets.DEFAULT.networkCalls(kind, n)
                    || kind == SpeechPresets.Kind.BRIDGE, kind + ": at most a third of the default's calls");
        }
    }

    @Test
    void candidatesCountTheirNetworkCalls() {
        List<SpeechPresets.Candidate> score = SpeechPresets.candidates(SpeechPresets.Kind.SCORE, true);
        assertEquals("default", score.get(0).name());
        assertEquals(60, score.get(0).networkCalls(SpeechPresets.Kind.SCORE, 30));
        assertEquals(-1, SpeechPresets.select(SpeechPresets.Kind.SCORE, "probability_flow_ode", false).get(1)
                .networkCalls(SpeechPresets.Kind.SCORE, 30), "the ODE is adaptive");
        assertEquals(101, SpeechPresets.DEFAULT.networkCalls(SpeechPresets.Kind.STORM, 50));
        assertEquals(1, SpeechPresets.select(SpeechPresets.Kind.STORM, "denoiser_only", false).get(1)
                .networkCalls(SpeechPresets.Kind.STORM, 50));
        assertEquals(50, SpeechPresets.candidates(SpeechPresets.Kind.BRIDGE, false).get(0)
                .networkCalls(SpeechPresets.Kind.BRIDGE, 50));
        assertNull(SpeechPresets.candidates(SpeechPresets.Kind.BRIDGE, false).get(0).keySteps());
        assertThrows(IllegalArgumentException.class,
                () -> SpeechPresets.select(SpeechPresets.Kind.STORM, "probability_flow_ode", false),
                "StoRM has no ODE candidate");
    }

    @Test
    void oneListServesTheScoreAndTheBridgeModel() {
        String both = "pc_n10_no_corrector,bridge_ode_n10";
        assertEquals(List.of("default", "pc_n10_no_corrector"),
                SpeechPresets.select(SpeechPresets.Kind.SCORE, both, false).stream()
                        .map(SpeechPresets.Candidate::name).toList());
        assertEquals(List.of("default", "bridge_ode_n10"),
                SpeechPresets.select(SpeechPresets.Kind.BRIDGE, both, false).stream()
                        .map(SpeechPresets.Candidate::name).toList());
        assertThrows(IllegalArgumentException.class,
                () -> SpeechPresets.select(SpeechPresets.Kind.SCORE, "pc_n10_no_corrector,no_such_preset", false),
                "a name no model knows is refused");
        assertThrows(IllegalArgumentException.class,
                () -> SpeechPresets.select(SpeechPresets.Kind.STORM, "bridge_ode_n10", false),
                "StoRM is measured alone: the bridge's names are not its");
    }
}
