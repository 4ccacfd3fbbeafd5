package dev.restora.classic.speech;

import dev.restora.core.pipeline.Modality;
import dev.restora.core.pipeline.ModelOption;
import dev.restora.core.pipeline.ParameterSpec;
import dev.restora.core.pipeline.PipelineBenchmark;
import dev.restora.core.pipeline.PipelineContext;
import dev.restora.core.pipeline.PipelineDescriptor;
import dev.restora.core.pipeline.PipelineProvider;
import dev.restora.core.pipeline.RestorationPipeline;
import java.util.List;

/**
 * The weight-free speech denoiser: log-MMSE (Ephraim-Malah) or Wiener gains with a decision-directed a priori SNR
 * and a minimum-statistics noise tracker (Martin 2001). Works offline, at any sample rate and channel count; it
 * is the quality floor the diffusion models must beat.
 */
public final class ClassicSpeechProvider implements PipelineProvider {
    public static final String ID = "classic-speech";
    public static final String STRENGTH = "strength";
    public static final String ESTIMATOR = "estimator";
    public static final String NOISE_WINDOW = "noise-window";

    private static final PipelineDescriptor DESCRIPTOR = new PipelineDescriptor(ID, "Classic speech denoiser",
            Modality.SPEECH,
            "Removes steady background noise (hum, hiss, fans, traffic) with a statistical spectral estimator. "
                    + "No model download; fast on any computer.",
            List.of(new ModelOption("log-mmse-ms", "Log-MMSE with minimum-statistics noise tracking", List.of(), 1,
                    "Ephraim-Malah log-spectral amplitude estimator, decision-directed SNR, Martin's noise tracker.")),
            List.of(
                    new ParameterSpec.DoubleSpec(STRENGTH, "Strength",
                            "How much noise to remove: 0 attenuates it by at most 5 dB, 1 by up to 35 dB "
                                    + "(more removal, more risk of watery artefacts).", 0.7, 0.0, 1.0),
                    new ParameterSpec.ChoiceSpec(ESTIMATOR, "Estimator",
                            "log-mmse (Ephraim-Malah), om-lsa (log-MMSE with speech-presence probability: quieter "
                                    + "pauses) or wiener (harsher).", "log-mmse", List.of("log-mmse", "om-lsa", "wiener")),
                    new ParameterSpec.DoubleSpec(NOISE_WINDOW, "Noise tracking window (s)",
                            "How long the noise estimate looks back for speech pauses; longer suits steady noise.",
                            1.5, 0.5, 5.0)));

    @Override
    public PipelineDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public RestorationPipeline create(PipelineContext context) {
        if (context != null && context.model() != null) {
            DESCRIPTOR.requireModel(context.model().id());
        }
        return new ClassicSpeechPipeline(DESCRIPTOR);
    }

    @Override
    public PipelineBenchmark benchmark() {
        return new ClassicSpeechBenchmark(DESCRIPTOR);
    }
}
