package dev.restora.sgmse.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.restora.core.diffusion.NoiseSource;
import dev.restora.core.diffusion.Sampler;
import dev.restora.sgmse.sde.OuveSde;
import dev.restora.sgmse.sde.TimeGrid;

/**
 * The predictor-corrector sampler for the OUVE SDE (spec §4.1, §4.4): prior {@code x = ȳ + sigma(1) z_c}; on the grid
 * {@code t_i = linspace(1, t_eps, N)} the annealed Langevin corrector ({@code eps = 2 (snr sigma(t))²}) runs first,
 * then the reverse-diffusion predictor ({@code x_mean = x - theta (ȳ - x) dt + g(t)² dt s}, {@code x = x_mean + g
 * sqrt(dt) z_c}); the run returns the last {@code x_mean}. Noise order: prior, then per step the corrector noises and
 * the predictor noise.
 *
 * <p>{@code ȳ} is the OUVE mean target: the noisy spectrogram for SGMSE+, the predictive estimate for StoRM.
 * The step size is the grid spacing with the last step {@code t_eps} (SGMSE) or the constant {@code 1/N} (StoRM).
 * Each step's predicted clean spectrogram is the Tweedie estimate
 * {@code x̂0 = (x + sigma² s - (1 - e^{-theta t}) ȳ) / e^{-theta t}} from the predictor's score.
 */
public final class PredictorCorrectorSampler implements Sampler<ScoreFunction> {
    /** How the predictor's step size is chosen. */
    public enum StepSize {
        /** {@code t_i - t_{i+1}}, last step {@code t_eps} (SGMSE HEAD). */
        GRID,
        /** {@code 1/N} for every step (StoRM). */
        ONE_OVER_N
    }

    /** The corrector (spec §4.1). */
    public enum Corrector {
        /** Annealed Langevin dynamics: {@code eps = 2 (snr sigma(t))²}. */
        ALD,
        /** Langevin: {@code eps = 2 (snr |z| / |s|)²} with L2 norms averaged over the batch. */
        LANGEVIN
    }

    private final OuveSde sde;
    private final Corrector corrector;
    private final NDArray target;
    private final NDArray condition;
    private final float[] grid;
    private final StepSize stepSize;
    private final int correctorSteps;
    private final double snr;
    private final SamplerProbe probe;

    /**
     * @param target     ȳ, {@code [B, 2, F, T]} (kept for the whole run by the caller)
     * @param condition  the network's conditioning channels after x
     */
    public PredictorCorrectorSampler(OuveSde sde, NDArray target, NDArray condition, int steps, double tEps,
                                     StepSize stepSize, int correctorSteps, double snr, SamplerProbe probe) {
        this(sde, Corrector.ALD, target, condition, TimeGrid.linspace(1f, (float) tEps, checkSteps(steps)), stepSize,
                correctorSteps, snr, probe);
    }

    private PredictorCorrectorSampler(OuveSde sde, Corrector corrector, NDArray target, NDArray condition, float[] grid,
                                      StepSize stepSize, int correctorSteps, double snr, SamplerProbe probe) {
        if (correctorSteps < 0 || snr < 0) {
            throw new IllegalArgumentException("corrector steps and snr must not be negative");
        }
        this.sde = sde;
        this.corrector = corrector;
        this.target = target;
        this.condition = condition;
        this.grid = grid;
        this.stepSize = stepSize;
        this.correctorSteps = correctorSteps;
        this.snr = snr;
        this.probe = probe == null ? SamplerProbe.NONE : probe;
    }

    private static int checkSteps(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("N must be at least 1, got " + steps);
        }
        return steps;
    }

    /** A copy with another corrector (ALD by default); this sampler is unchanged, like every {@code with*}. */
    public PredictorCorrectorSampler withCorrector(Corrector c) {
        return new PredictorCorrectorSampler(sde, java.util.Objects.requireNonNull(c), target, condition, grid,
                stepSize, correctorSteps, snr, probe);
    }

    public Corrector corrector() {
        return corrector;
    }

    public float[] grid() {
        return grid.clone();
    }

    /** The predictor step size of step i, as float32 like the reference. */
    public float stepSize(int i) {
        if (stepSize == StepSize.ONE_OVER_N) {
            return 1f / grid.length;
        }
        return i < grid.length - 1 ? grid[i] - grid[i + 1] : grid[i];
    }

    @Override
    public int steps() {
        return grid.length;
    }

    @Override
    public NDArray initialState(NDManager scope, NoiseSource noise) {
        NDArray z = ComplexNoise.draw(noise, scope, target.getShape());
        return z.mul((float) sde.std(1)).add(target);
    }

    @Override
    public Step step(ScoreFunction score, int index, NDArray state, NDManager stepScope, NoiseSource noise) {
        float t = grid[index];
        float[] tb = batchTimes(t, state);
        NDArray x = state;
        double std = sde.std(t);
        for (int j = 0; j < correctorSteps; j++) {
            NDArray s = score.score(x, condition, tb);
            probe.see(index, "score_in_corrector", s);
            NDArray z = ComplexNoise.draw(noise, stepScope, x.getShape());
            double eps;
            if (corrector == Corrector.ALD) {
                eps = 2 * (snr * std) * (snr * std);
            } else {
                double ratio = snr * meanNorm(z) / meanNorm(s);
                eps = 2 * ratio * ratio;
            }
            NDArray xMean = x.add(s.mul((float) eps));
            x = xMean.add(z.mul((float) Math.sqrt(2 * eps)));
            probe.see(index, "x_after_corrector", x);
        }
        double dt = stepSize(index);
        NDArray s = score.score(x, condition, tb);
        probe.see(index, "score_in_predictor", s);
        double g = sde.diffusion(t);
        double g2dt = g * g * dt;
        // reverse-diffusion predictor: rev_f = theta (ȳ - x) dt - G² s, x_mean = x - rev_f
        // x first in every op: DJL attaches a result to its first operand's manager (the target lives all run)
        NDArray f = x.sub(target).mul((float) (-sde.theta() * dt));
        NDArray revF = f.sub(s.mul((float) g2dt));
        NDArray xMean = x.sub(revF);
        NDArray z = ComplexNoise.draw(noise, stepScope, x.getShape());
        NDArray next = xMean.add(z.mul((float) (g * Math.sqrt(dt))));
        probe.see(index, "x_after_predictor", next);
        probe.see(index, "x_mean_after_predictor", xMean);
        NDArray clean = sde.tweedie(x, s, target, t);
        boolean last = index == grid.length - 1;
        return new Step(last ? xMean : next, clean);
    }

    /** The L2 norm of each batch item, averaged over the batch. */
    private static double meanNorm(NDArray a) {
        long b = a.getShape().get(0);
        float[] n = a.reshape(b, -1).square().sum(new int[] {1}).sqrt().toFloatArray();
        double sum = 0;
        for (float v : n) {
            sum += v;
        }
        return sum / n.length;
    }

    static float[] batchTimes(float t, NDArray state) {
        float[] tb = new float[(int) state.getShape().get(0)];
        java.util.Arrays.fill(tb, t);
        return tb;
    }
}
