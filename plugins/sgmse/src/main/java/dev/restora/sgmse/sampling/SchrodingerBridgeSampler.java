package dev.restora.sgmse.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.restora.core.diffusion.NoiseSource;
import dev.restora.core.diffusion.Sampler;
import dev.restora.sgmse.sde.SbveSde;
import dev.restora.sgmse.sde.TimeGrid;

/**
 * The Schrödinger-bridge sampler of SGMSE (spec §4.3): {@code x = y}; for each new time {@code t} of
 * {@code linspace(1, 1e-4, N + 1)[1:]} the network is evaluated at the NEW time with the current state,
 * {@code x̂ = model(x, y, t)}, then the ODE update {@code x = w_x x + w_x̂ x̂ + w_y y} or the SDE update
 * {@code x = (sigma_t²/(sigma_prev²+eps)) x + tmp x̂ + sigma_t sqrt(tmp) z_c} (one noise per step, drawn after the
 * network call, weight 0 on the last step). Each step's predicted clean output is x̂.
 */
public final class SchrodingerBridgeSampler implements Sampler<EstimateFunction> {
    /** The end of the bridge's time grid (hard-coded in the reference). */
    public static final float EPS_T = 1e-4f;

    private final SbveSde sde;
    private final NDArray y;
    private final float[] grid;
    private final boolean stochastic;
    private final SamplerProbe probe;

    public SchrodingerBridgeSampler(SbveSde sde, NDArray y, int steps, boolean stochastic, SamplerProbe probe) {
        if (steps < 1) {
            throw new IllegalArgumentException("N must be at least 1, got " + steps);
        }
        this.sde = sde;
        this.y = y;
        this.grid = TimeGrid.linspace(1f, EPS_T, steps + 1);
        this.stochastic = stochastic;
        this.probe = probe == null ? SamplerProbe.NONE : probe;
    }

    @Override
    public int steps() {
        return grid.length - 1;
    }

    @Override
    public NDArray initialState(NDManager scope, NoiseSource noise) {
        return y.duplicate();
    }

    @Override
    public Step step(EstimateFunction model, int index, NDArray state, NDManager stepScope, NoiseSource noise) {
        float tPrev = grid[index];
        float t = grid[index + 1];
        probe.see(index, "x_in", state);
        NDArray xHat = model.estimate(state, y, PredictorCorrectorSampler.batchTimes(t, state));
        probe.see(index, "estimate", xHat);
        double eps = sde.eps();
        double sT2 = sde.sigmaT() * sde.sigmaT();
        double sPrev = sde.sigma(tPrev);
        double bPrev = sde.sigmaBar(tPrev);
        double s = sde.sigma(t);
        double b = sde.sigmaBar(t);
        NDArray next;
        if (!stochastic) {
            double wx = s * b / (sPrev * bPrev + eps);
            double wHat = (b * b - bPrev * s * b / (sPrev + eps)) / (sT2 + eps);
            double wy = (s * s - sPrev * s * b / (bPrev + eps)) / (sT2 + eps);
            NDArray yw = y.mul((float) wy);
            yw.attach(stepScope); // made from the run-long y: move it into the step's scope
            next = state.mul((float) wx).add(xHat.mul((float) wHat)).add(yw);
        } else {
            double ratio = s * s / (sPrev * sPrev + eps);
            double tmp = 1 - ratio;
            NDArray z = ComplexNoise.draw(noise, stepScope, state.getShape());
            boolean last = index == steps() - 1;
            double w = last ? 0 : s * Math.sqrt(tmp);
            next = state.mul((float) ratio).add(xHat.mul((float) tmp)).add(z.mul((float) w));
        }
        return new Step(next, xHat);
    }
}
