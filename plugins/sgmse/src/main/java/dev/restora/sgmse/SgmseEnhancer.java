package dev.restora.sgmse;

import ai.djl.ndarray.NDArray;
import dev.restora.core.diffusion.EncoderPropagation;
import dev.restora.core.diffusion.KeySteps;
import dev.restora.sgmse.sampling.ScoreFunction;
import ai.djl.ndarray.NDManager;
import dev.restora.core.diffusion.Stage;
import dev.restora.core.pipeline.RunContext;
import dev.restora.sgmse.sampling.PredictorCorrectorSampler;
import dev.restora.sgmse.sampling.ProbabilityFlowSampler;
import dev.restora.sgmse.sampling.SamplerProbe;
import dev.restora.sgmse.sampling.SchrodingerBridgeSampler;

/**
 * SGMSE+ enhancement ({@code enhancement.py}): OUVE checkpoints run the PC sampler (reverse-diffusion predictor,
 * ALD corrector, grid step sizes, t_eps = 0.03) or the probability-flow ODE; bridge checkpoints run the
 * Schrödinger-bridge sampler (ODE unless "sde" is asked for or the checkpoint says so).
 */
public final class SgmseEnhancer extends Enhancer {
    /** The SGMSE script forces t_eps = 0.03 whatever the checkpoint stores (spec §2.1). */
    public static final double T_EPS = 0.03;
    /** {@code enhancement.py}'s default N for OUVE checkpoints. */
    public static final int DEFAULT_STEPS = 30;

    private final SgmseModel model;

    public SgmseEnhancer(SgmseModel model) {
        super(model.spectral());
        this.model = model;
    }

    public SgmseModel model() {
        return model;
    }

    @Override
    public SpeechPresets.Kind kind() {
        return model.isBridge() ? SpeechPresets.Kind.BRIDGE : SpeechPresets.Kind.SCORE;
    }

    @Override
    public int steps(EnhanceOptions o) {
        if (model.isBridge()) {
            return o.steps() > 0 ? o.steps() : model.bridgeSteps();
        }
        return o.steps() > 0 ? o.steps() : DEFAULT_STEPS;
    }

    /** As {@link Enhancer#batchable}; the OUVE probability-flow ODE (adaptive steps) runs a batch of one. */
    @Override
    public boolean batchable(EnhanceOptions o) {
        return super.batchable(o) && (model.isBridge() || !o.sampler().equals("ode"));
    }

    @Override
    protected NDArray sample(NDArray y, NDManager run, RunContext context, EnhanceOptions o, Stage stage,
                             SpectrogramPreview preview, SamplerProbe probe) {
        int n = steps(o);
        if (o.keySteps() != null) {
            if (o.sampler().equals("ode") && !model.isBridge()) {
                throw new IllegalArgumentException("encoder propagation needs fixed steps: use the pc sampler, not "
                        + "the adaptive probability-flow ODE");
            }
            try (EncoderPropagation p = new EncoderPropagation(KeySteps.schedule(o.keySteps(), n), run)) {
                NDArray out = sampleWith(p, y, run, context, o, stage, preview, probe, n);
                out.attach(run);
                return out;
            }
        }
        return sampleWith(null, y, run, context, o, stage, preview, probe, n);
    }

    /** @param propagation null: the exact network */
    private NDArray sampleWith(EncoderPropagation propagation, NDArray y, NDManager run, RunContext context,
                               EnhanceOptions o, Stage stage, SpectrogramPreview preview, SamplerProbe probe, int n) {
        ScoreFunction score = propagation == null ? model : model.withEncoderPropagation(propagation);
        if (model.isBridge()) {
            boolean sde = o.sampler().equals("sde") || (o.sampler().equals("pc") && model.bridgeSamplerType().equals("sde"));
            SchrodingerBridgeSampler s = new SchrodingerBridgeSampler(model.sbve(), y, n, sde, probe);
            return loop(context, preview).run(s, propagation == null ? model
                    : model.estimateWithEncoderPropagation(propagation), run, stage).output();
        }
        if (o.sampler().equals("ode")) {
            ProbabilityFlowSampler s = new ProbabilityFlowSampler(model.ouve(), y, y, T_EPS, probe)
                    .withCancellation(context.token());
            return loop(context, preview).run(s, model, run, stage).output();
        }
        PredictorCorrectorSampler s = new PredictorCorrectorSampler(model.ouve(), y, y, n, T_EPS,
                PredictorCorrectorSampler.StepSize.GRID, o.corrector().equals("none") ? 0 : o.correctorSteps(),
                o.snr(), probe);
        s = s.withCorrector(o.corrector().equals("langevin") ? PredictorCorrectorSampler.Corrector.LANGEVIN
                : PredictorCorrectorSampler.Corrector.ALD);
        return loop(context, preview).run(s, score, run, stage).output();
    }
}
