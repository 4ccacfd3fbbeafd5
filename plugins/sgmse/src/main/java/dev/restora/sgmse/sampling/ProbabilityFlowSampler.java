package dev.restora.sgmse.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.NoiseSource;
import dev.restora.core.diffusion.Sampler;
import dev.restora.sgmse.sde.OuveSde;
import java.util.ArrayList;
import java.util.List;

/**
 * The probability-flow ODE sampler of SGMSE (spec §4.2): from the OUVE prior {@code y + sigma(1) z_c}, integrate
 * {@code dx/dt = theta (y - x) - ½ g(t)² s(x, y, t)} from t = 1 to t_eps with {@link DormandPrince45} (SciPy's
 * {@code solve_ivp(RK45)}, by default with the reference's {@code rtol = atol = 1e-5}), the solver state in double
 * precision and every drift in float32 as the reference computes it (state rounded to complex64, time to float32).
 * The reference then fails in its final "denoise" call; this port finishes with the suggested reverse-diffusion step
 * without noise at t_eps (step size t_eps).
 *
 * <p>For progress, the interval is cut into {@link #SEGMENTS} loop steps; a loop step takes accepted solver steps
 * until the solver's time passes the segment end (the solver never stops at segment ends, so its step sequence is
 * SciPy's). Its predicted clean spectrogram is the Tweedie estimate from the score the solver last evaluated, at the
 * accepted state.
 */
public final class ProbabilityFlowSampler implements Sampler<ScoreFunction> {
    public static final int SEGMENTS = 10;
    /** The reference's {@code get_ode_sampler} defaults. */
    public static final double RTOL = 1e-5;
    public static final double ATOL = 1e-5;

    private final OuveSde sde;
    private final NDArray target;
    private final NDArray condition;
    private final double tEps;
    private final SamplerProbe probe;
    private final double rtol;
    private final double atol;
    private final List<Double> evalTimes = new ArrayList<>();
    private final List<Double> acceptedTimes = new ArrayList<>();
    private DormandPrince45 solver;
    private Shape shape;
    /** The score of the latest network call and its time, for previews without an extra call. */
    private float[] lastScore;
    private double lastScoreTime = Double.NaN;
    private CancellationToken token = new CancellationToken();

    public ProbabilityFlowSampler(OuveSde sde, NDArray target, NDArray condition, double tEps, SamplerProbe probe) {
        this(sde, target, condition, tEps, RTOL, ATOL, probe);
    }

    public ProbabilityFlowSampler(OuveSde sde, NDArray target, NDArray condition, double tEps, double rtol,
                                  double atol, SamplerProbe probe) {
        this.rtol = rtol;
        this.atol = atol;
        this.sde = sde;
        this.target = target;
        this.condition = condition;
        this.tEps = tEps;
        this.probe = probe == null ? SamplerProbe.NONE : probe;
    }

    /**
     * Checks {@code t} before every network call: a loop step of this sampler holds dozens of calls, too long to
     * wait for the loop's own check between steps.
     */
    public ProbabilityFlowSampler withCancellation(CancellationToken t) {
        this.token = t;
        return this;
    }

    /** Times of every network evaluation, in call order. */
    public List<Double> evalTimes() {
        return evalTimes;
    }

    /** The solver's accepted times, starting with 1. */
    public List<Double> acceptedTimes() {
        return acceptedTimes;
    }

    @Override
    public int steps() {
        return SEGMENTS;
    }

    @Override
    public NDArray initialState(NDManager scope, NoiseSource noise) {
        NDArray z = ComplexNoise.draw(noise, scope, target.getShape());
        return z.mul((float) sde.std(1)).add(target);
    }

    /**
     * The drift as the reference's {@code ode_func} computes it: {@code theta*(y - x) + (-g(t)²·s)·0.5} in float32
     * on the state rounded to float32, widened to double; every call is recorded in {@link #evalTimes()}. Arrays of
     * a call live in a sub-scope of the target's manager, closed before it returns.
     */
    public DormandPrince45.Derivative drift(ScoreFunction score) {
        float theta = (float) sde.theta();
        float[] yf = target.toFloatArray();
        return (time, x) -> {
            token.throwIfCancelled();
            int index = evalTimes.size();
            evalTimes.add(time);
            float[] xf = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                xf[i] = (float) x[i];
            }
            float tf = (float) time;
            float[] sf;
            try (NDManager call = target.getManager().newSubManager()) {
                NDArray xs = call.create(xf, shape);
                probe.see(index, "x", xs);
                NDArray s = score.score(xs, condition, PredictorCorrectorSampler.batchTimes(tf, xs));
                probe.see(index, "score", s);
                sf = s.toFloatArray();
            }
            lastScore = sf;
            lastScoreTime = time;
            float g = sde.diffusionFloat32(tf);
            float minusG2 = -(g * g);
            double[] out = new double[xf.length];
            for (int i = 0; i < xf.length; i++) {
                out[i] = theta * (yf[i] - xf[i]) + minusG2 * sf[i] * 0.5f;
            }
            return out;
        };
    }

    /** Starts the solver at t = 1 from {@code x0} (two network calls: f(1, x0) and the initial step selection). */
    public DormandPrince45 begin(ScoreFunction score, NDArray x0) {
        shape = x0.getShape();
        if (shape.get(0) != 1) {
            throw new IllegalArgumentException("the ODE sampler runs a batch of one");
        }
        float[] xf = x0.toFloatArray();
        double[] y0 = new double[xf.length];
        for (int i = 0; i < xf.length; i++) {
            y0[i] = xf[i];
        }
        acceptedTimes.add(1.0);
        solver = new DormandPrince45(drift(score), 1, y0, tEps, rtol, atol);
        return solver;
    }

    /** Takes one accepted solver step; false once t_eps is reached. */
    public boolean advance() {
        if (solver.finished()) {
            return false;
        }
        acceptedTimes.add(solver.step().tNew());
        return true;
    }

    /** The solver's state (double) as a float32 array in {@code m}. */
    private NDArray stateArray(NDManager m) {
        double[] y = solver.state();
        float[] xf = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            xf[i] = (float) y[i];
        }
        return m.create(xf, shape);
    }

    @Override
    public Step step(ScoreFunction score, int index, NDArray state, NDManager stepScope, NoiseSource noise) {
        if (solver == null) {
            begin(score, state);
        }
        double end = index == SEGMENTS - 1 ? tEps : 1 - (1 - tEps) * (index + 1) / SEGMENTS;
        while (solver.time() > end && advance()) {
            // accepted steps up to the segment's end
        }
        NDArray x = stateArray(stepScope);
        probe.see(index, "x_ode", x);
        if (index < SEGMENTS - 1) {
            // SciPy's last call of an accepted step is at its end point, so the preview's score is already there
            NDArray clean = Math.abs(lastScoreTime - solver.time()) < 1e-12
                    ? sde.tweedie(x, stepScope.create(lastScore, shape), target, solver.time()) : x;
            return new Step(x, clean);
        }
        // final noise-free reverse-diffusion step at t_eps with step size t_eps
        float te = (float) tEps;
        NDArray s = score.score(x, condition, PredictorCorrectorSampler.batchTimes(te, x));
        double g = sde.diffusion(te);
        NDArray xMean = x.sub(x.sub(target).mul((float) (-sde.theta() * te)).sub(s.mul((float) (g * g * te))));
        return new Step(xMean, xMean);
    }
}
