package dev.restora.sgmse;

import dev.restora.core.nn.quant.Int8Calibration;
import dev.restora.core.pipeline.ParameterSpec;
import dev.restora.core.pipeline.ParameterValues;
import java.util.List;

/** The run parameters shared by the SGMSE+ and StoRM pipelines. */
public final class SpeechParameters {
    public static final String STEPS = "steps";
    public static final String CORRECTOR_STEPS = "corrector_steps";
    public static final String SNR = "snr";
    public static final String CORRECTOR = "corrector";
    public static final String SAMPLER = "sampler";
    public static final String SEED = "seed";
    public static final String CHUNK_SECONDS = "chunk_seconds";
    public static final String CHUNK_BATCH = "chunk_batch";
    public static final String PREVIEW_AUDIO = "preview_audio";
    /** Speed mode: exact (default) or an approximate fast mode. */
    public static final String FAST_MODE = "fast_mode";
    public static final String KEY_STEPS = "key_steps";
    /**
     * A named set of the settings above; "fast-preview" (APPROXIMATE) overrides them for a quick listen on a CPU,
     * per model kind as {@link SpeechPresets#fastPreview} measured it.
     */
    public static final String PRESET = "preset";
    public static final String FAST_PREVIEW = "fast-preview";
    public static final String EXACT = "exact";
    public static final String ENCODER_PROPAGATION = "encoder-propagation";

    private SpeechParameters() {
    }

    public static List<ParameterSpec<?>> specs(List<String> samplers, String samplerHelp) {
        return List.of(
                new ParameterSpec.IntSpec(STEPS, "Steps (N)", "Reverse diffusion steps; 0 uses the model's "
                        + "recommended value (SGMSE+ 30, WSJ0-REVERB 50, StoRM 50, bridge: its own N)", 0, 0, 1000),
                new ParameterSpec.IntSpec(CORRECTOR_STEPS, "Corrector steps", "Annealed Langevin corrector steps per "
                        + "step (each costs one network call)", 1, 0, 10),
                new ParameterSpec.ChoiceSpec(CORRECTOR, "Corrector", "ald: annealed Langevin (official default); "
                        + "langevin: step from the score and noise norms; none: predictor only", "ald",
                        List.of("ald", "langevin", "none")),
                new ParameterSpec.DoubleSpec(SNR, "Corrector SNR", "Signal-to-noise ratio of the corrector; -1 uses "
                        + "the model's recommended value (0.5, WSJ0-REVERB 0.33)", -1.0, -1.0, 2.0),
                new ParameterSpec.ChoiceSpec(SAMPLER, "Sampler", samplerHelp, samplers.get(0), samplers),
                new ParameterSpec.SeedSpec(SEED, "Seed", "Random seed of the sampler noise; every channel uses it"),
                new ParameterSpec.DoubleSpec(CHUNK_SECONDS, "Chunk length (s)", "Long recordings are enhanced in "
                        + "chunks of this length with crossfaded overlaps (a quarter of a chunk, at most 1 s); "
                        + "0 enhances the whole recording at once", 10.0, 0.0, 600.0),
                new ParameterSpec.IntSpec(CHUNK_BATCH, "Chunks at once", "Chunks that go through the networks "
                        + "together (same result; not with the probability-flow ODE or the langevin corrector); 0 = as "
                        + "many as a GPU's free memory holds, one at a time on the CPU", 0, 0, 16),
                new ParameterSpec.BoolSpec(PREVIEW_AUDIO, "Preview audio", "Attach the predicted clean audio to each "
                        + "preview (costs an inverse STFT per preview)", false),
                new ParameterSpec.ChoiceSpec(FAST_MODE, "Speed mode", "exact: the official computation (default); "
                        + "encoder-propagation: APPROXIMATE, the network's encoder runs at key steps only and its "
                        + "features are reused in between (Faster Diffusion, Li et al. 2023; predictor-corrector and "
                        + "bridge samplers); " + Int8Calibration.HELP.replace("on the first input",
                        "on a 1 s excerpt of the first input, without corrector"), EXACT,
                        List.of(EXACT, ENCODER_PROPAGATION, Int8Calibration.INT8)),
                new ParameterSpec.ChoiceSpec(KEY_STEPS, "Key steps", "With encoder-propagation: the steps where the "
                        + "encoder runs. paper: the paper's schedule (dense early, sparse late) scaled to N; every-K: "
                        + "every K-th step", "paper", List.of("paper", "every-2", "every-3", "every-5")),
                new ParameterSpec.ChoiceSpec(PRESET, "Preset", "custom: the settings above (exact by default); "
                        + "fast-preview: APPROXIMATE quick listen on a CPU, replacing the sampler settings: 10 "
                        + "predictor steps without corrector (SGMSE+: 10 network calls instead of 60; StoRM: 11 "
                        + "instead of 101), a bridge checkpoint its ODE with 10 steps; the output differs from the "
                        + "exact run's", "custom",
                        List.of("custom", FAST_PREVIEW)));
    }

    /** Whether the run asks for the fast-preview preset. */
    public static boolean fastPreview(ParameterValues p) {
        return p.has(PRESET) && p.getString(PRESET).equals(FAST_PREVIEW);
    }

    /** Whether the run asks for the int8 fast mode. */
    public static boolean int8(ParameterValues p) {
        return p.has(FAST_MODE) && p.getString(FAST_MODE).equals(Int8Calibration.INT8);
    }

    /** The key-step schedule when the run asks for encoder propagation, else null (exact). */
    public static String keySteps(ParameterValues p) {
        if (!p.has(FAST_MODE) || !p.getString(FAST_MODE).equals(ENCODER_PROPAGATION)) {
            return null;
        }
        return p.has(KEY_STEPS) ? p.getString(KEY_STEPS) : "paper";
    }
}
