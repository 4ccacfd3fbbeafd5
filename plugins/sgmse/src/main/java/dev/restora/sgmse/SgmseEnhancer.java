package dev.restora.sgmse;

import ai.djl.ndarray.NDArray;
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
        if (model.isBridge()) {
            boolean sde = o.sampler().equals("sde") || (o.sampler().equals("pc") && model.bridgeSamplerType().equals("sde"));
            SchrodingerBridgeSampler s = new SchrodingerBridgeSampler(model.sbve(), y, n, sde, probe);
            return loop(context, preview).run(s, model, run, stage).output();
        }
        if (o.sampler().equals("ode")) {
            ProbabilityFlowSampler s = new ProbabilityFlowSampler(model.ouve(), y, y, T_EPS, probe)
                    .withCancellation(context.token());
            return loop(context, preview).run(s, model, run, stage).output();
        }
        PredictorCorrectorSampler s = new PredictorCorrectorSampler(model.ouve(), y, y, n, T_EPS,
                PredictorCorrectorSampler.StepSize.GRID, o.corrector().equals("none") ? 0 : o.correctorSteps(),
                o.snr(), probe);
        s.withCorrector(o.corrector().equals("langevin") ? PredictorCorrectorSampler.Corrector.LANGEVIN
                : PredictorCorrectorSampler.Corrector.ALD);
        return loop(context, preview).run(s, model, run, stage).output();
    }
}
