package dev.restora.sgmse;

import ai.djl.ndarray.NDArray;
import dev.restora.core.diffusion.EncoderPropagation;
import dev.restora.core.diffusion.KeySteps;
import ai.djl.ndarray.NDManager;
import dev.restora.core.diffusion.Stage;
import dev.restora.core.pipeline.RunContext;
import dev.restora.sgmse.sampling.PredictorCorrectorSampler;
import dev.restora.sgmse.sampling.SamplerProbe;

/**
 * StoRM enhancement (spec §4.4, §7): the predictive estimate {@code Ŷ = D(Y)}, then OUVE PC sampling around it
 * (prior {@code Ŷ + sigma(1) z_c}, drift towards Ŷ, score conditioned on {@code [Y, Ŷ]}), predictor step
 * {@code 1/N}, t_eps from the checkpoint. With "denoiser" as sampler only the predictive estimate is returned.
 */
public final class StormEnhancer extends Enhancer {
    /** StoRM's {@code enhancement.py} default N. */
    public static final int DEFAULT_STEPS = 50;

    private final StormModel model;

    public StormEnhancer(StormModel model) {
        super(model.spectral());
        this.model = model;
    }

    @Override
    public SpeechPresets.Kind kind() {
        return SpeechPresets.Kind.STORM;
    }

    @Override
    public int steps(EnhanceOptions o) {
        if (o.sampler().equals("denoiser")) {
            return 0;
        }
        return o.steps() > 0 ? o.steps() : DEFAULT_STEPS;
    }

    @Override
    protected NDArray sample(NDArray y, NDManager run, RunContext context, EnhanceOptions o, Stage stage,
                             SpectrogramPreview preview, SamplerProbe probe) {
        NDArray estimate = model.denoise(y);
        probe.see(-1, "Y_denoised", estimate);
        if (o.sampler().equals("denoiser")) {
            return estimate;
        }
        NDArray cond = model.conditioning(y, estimate);
        PredictorCorrectorSampler s = new PredictorCorrectorSampler(model.sde(), estimate, cond, steps(o), model.tEps(),
                PredictorCorrectorSampler.StepSize.ONE_OVER_N, o.corrector().equals("none") ? 0 : o.correctorSteps(),
                o.snr(), probe);
        s = s.withCorrector(o.corrector().equals("langevin") ? PredictorCorrectorSampler.Corrector.LANGEVIN
                : PredictorCorrectorSampler.Corrector.ALD);
        if (o.keySteps() == null) {
            return loop(context, preview).run(s, model, run, stage).output();
        }
        try (EncoderPropagation p = new EncoderPropagation(KeySteps.schedule(o.keySteps(), steps(o)), run)) {
            NDArray out = loop(context, preview).run(s, model.withEncoderPropagation(p), run, stage).output();
            out.attach(run);
            return out;
        }
    }
}
