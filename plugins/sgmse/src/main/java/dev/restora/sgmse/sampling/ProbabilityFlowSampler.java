package dev.restora.sgmse.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.diffusion.NoiseSource;
import dev.restora.core.diffusion.Sampler;
import dev.restora.sgmse.sde.OuveSde;

/**
 * The probability-flow ODE sampler of SGMSE (spec §4.2): from the OUVE prior {@code y + sigma(1) z_c}, integrate
 * {@code dx/dt = theta (y - x) - ½ g(t)² s(x, y, t)} from t = 1 to t_eps with Dormand–Prince 5(4) and SciPy's
 * {@code solve_ivp(RK45, rtol = atol = 1e-5)} step control (initial step selection, safety 0.9, factors 0.2..10,
 * RMS norms over the complex elements), the solver state in double precision and every network call in float32.
 * The reference then fails in its final "denoise" call; this port finishes with the suggested reverse-diffusion
 * step without noise at t_eps (step size t_eps).
 *
 * <p>For progress, the interval is cut into {@link #SEGMENTS} loop steps; a loop step takes accepted solver steps
 * until the solver's time passes the segment end (the solver never stops at segment ends, so its step sequence is
 * SciPy's).
 */
public final class ProbabilityFlowSampler implements Sampler<ScoreFunction> {
    public static final int SEGMENTS = 10;
    private static final double RTOL = 1e-5;
    private static final double ATOL = 1e-5;
    private static final double SAFETY = 0.9;
    private static final double MIN_FACTOR = 0.2;
    private static final double MAX_FACTOR = 10;
    private static final double[] C = {0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1};
    private static final double[][] A = {
        {},
        {1.0 / 5},
        {3.0 / 40, 9.0 / 40},
        {44.0 / 45, -56.0 / 15, 32.0 / 9},
        {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
        {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656}};
    private static final double[] B = {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84};
    private static final double[] E = {-71.0 / 57600, 0, 71.0 / 16695, -71.0 / 1920, 17253.0 / 339200, -22.0 / 525,
        1.0 / 40};

    private final OuveSde sde;
    private final NDArray target;
    private final NDArray condition;
    private final double tEps;
    private final SamplerProbe probe;
    private final java.util.List<Double> evalTimes = new java.util.ArrayList<>();
    private final java.util.List<Double> acceptedTimes = new java.util.ArrayList<>();

    // solver state
    private double t;
    private double[] y;
    private double[] f;
    private double hAbs;
    private Shape shape;
    private boolean started;

    public ProbabilityFlowSampler(OuveSde sde, NDArray target, NDArray condition, double tEps, SamplerProbe probe) {
        this.sde = sde;
        this.target = target;
        this.condition = condition;
        this.tEps = tEps;
        this.probe = probe == null ? SamplerProbe.NONE : probe;
    }

    /** Times of every network evaluation, in call order. */
    public java.util.List<Double> evalTimes() {
        return evalTimes;
    }

    /** The solver's accepted times, starting with 1. */
    public java.util.List<Double> acceptedTimes() {
        return acceptedTimes;
    }

    @Override
    public int steps() {
        return SEGMENTS;
    }

    @Override
    public NDArray initialState(NDManager scope, NoiseSource noise) {
        NDArray z = ComplexNoise.draw(noise, scope, target.getShape());
        return z.mul(sde.std(1)).add(target);
    }

    /** The probability-flow drift at (x, t) in float32, back in double. */
    private double[] drift(ScoreFunction score, NDManager scope, double time, double[] x) {
        evalTimes.add(time);
        float[] xf = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            xf[i] = (float) x[i];
        }
        float tf = (float) time;
        try (NDManager call = scope.newSubManager()) {
            NDArray xs = call.create(xf, shape);
            float[] tb = PredictorCorrectorSampler.batchTimes(tf, xs);
            probe.see(evalTimes.size() - 1, "x", xs);
            NDArray s = score.score(xs, condition, tb);
            probe.see(evalTimes.size() - 1, "score", s);
            double g = sde.diffusion(tf);
            NDArray d = xs.sub(target).mul(-sde.theta()).sub(s.mul(0.5 * g * g));
            float[] df = d.toFloatArray();
            double[] out = new double[df.length];
            for (int i = 0; i < df.length; i++) {
                out[i] = df[i];
            }
            return out;
        }
    }

    /** RMS over complex elements of {@code v / scale} (the state holds all real parts, then all imaginary parts). */
    private static double norm(double[] v, double[] scale) {
        int n = scale.length;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double re = v[i] / scale[i];
            double im = v[i + n] / scale[i];
            sum += re * re + im * im;
        }
        return Math.sqrt(sum / n);
    }

    private static double[] absComplex(double[] v) {
        int n = v.length / 2;
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = Math.hypot(v[i], v[i + n]);
        }
        return a;
    }

    /** Starts the solver at t = 1 from {@code x0} (two network calls: f(1, x0) and the initial step selection). */
    public void begin(ScoreFunction score, NDManager scope, NDArray x0) {
        start(score, scope, x0);
    }

    /** Takes one accepted solver step; false once t_eps is reached. */
    public boolean advance(ScoreFunction score, NDManager scope) {
        if (t <= tEps) {
            return false;
        }
        solverStep(score, scope);
        return true;
    }

    private void start(ScoreFunction score, NDManager scope, NDArray x0) {
        shape = x0.getShape();
        if (shape.get(0) != 1) {
            throw new IllegalArgumentException("the ODE sampler runs a batch of one");
        }
        float[] xf = x0.toFloatArray();
        y = new double[xf.length];
        for (int i = 0; i < xf.length; i++) {
            y[i] = xf[i];
        }
        t = 1;
        acceptedTimes.add(t);
        f = drift(score, scope, t, y);
        // SciPy's select_initial_step (order 4 error estimator), direction -1
        double[] abs = absComplex(y);
        double[] scale = new double[abs.length];
        for (int i = 0; i < abs.length; i++) {
            scale[i] = ATOL + abs[i] * RTOL;
        }
        double d0 = norm(y, scale);
        double d1 = norm(f, scale);
        double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
        double[] y1 = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            y1[i] = y[i] - h0 * f[i];
        }
        double[] f1 = drift(score, scope, t - h0, y1);
        double[] df = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            df[i] = f1[i] - f[i];
        }
        double d2 = norm(df, scale) / h0;
        double h1 = (d1 <= 1e-15 && d2 <= 1e-15) ? Math.max(1e-6, h0 * 1e-3)
                : Math.pow(0.01 / Math.max(d1, d2), 1.0 / 5);
        hAbs = Math.min(100 * h0, h1);
        started = true;
    }

    /** One accepted RK45 step (with SciPy's rejection loop). */
    private void solverStep(ScoreFunction score, NDManager scope) {
        double minStep = 10 * Math.abs(Math.nextAfter(t, Double.NEGATIVE_INFINITY) - t);
        double h = Math.max(hAbs, minStep);
        boolean rejected = false;
        int n = y.length;
        while (true) {
            if (h < minStep) {
                throw new IllegalStateException("ODE solver step size too small at t = " + t);
            }
            double tNew = t - h;
            if (tNew - tEps < 0) {
                tNew = tEps;
            }
            double step = tNew - t; // negative
            h = Math.abs(step);
            double[][] k = new double[7][];
            k[0] = f;
            for (int s = 1; s < 6; s++) {
                double[] ys = new double[n];
                for (int i = 0; i < n; i++) {
                    double dy = 0;
                    for (int j = 0; j < s; j++) {
                        dy += k[j][i] * A[s][j];
                    }
                    ys[i] = y[i] + dy * step;
                }
                k[s] = drift(score, scope, t + C[s] * step, ys);
            }
            double[] yNew = new double[n];
            for (int i = 0; i < n; i++) {
                double dy = 0;
                for (int j = 0; j < 6; j++) {
                    dy += k[j][i] * B[j];
                }
                yNew[i] = y[i] + step * dy;
            }
            double[] fNew = drift(score, scope, t + step, yNew);
            k[6] = fNew;
            double[] absOld = absComplex(y);
            double[] absNew = absComplex(yNew);
            double[] scale = new double[absOld.length];
            for (int i = 0; i < scale.length; i++) {
                scale[i] = ATOL + Math.max(absOld[i], absNew[i]) * RTOL;
            }
            double[] err = new double[n];
            for (int i = 0; i < n; i++) {
                double e = 0;
                for (int j = 0; j < 7; j++) {
                    e += k[j][i] * E[j];
                }
                err[i] = e * step;
            }
            double errorNorm = norm(err, scale);
            if (errorNorm < 1) {
                double factor = errorNorm == 0 ? MAX_FACTOR : Math.min(MAX_FACTOR, SAFETY * Math.pow(errorNorm, -0.2));
                if (rejected) {
                    factor = Math.min(1, factor);
                }
                hAbs = h * factor;
                t = tNew;
                y = yNew;
                f = fNew;
                acceptedTimes.add(t);
                return;
            }
            h *= Math.max(MIN_FACTOR, SAFETY * Math.pow(errorNorm, -0.2));
            rejected = true;
        }
    }

    /** The solver's state (double) as a float32 array in {@code m}. */
    private NDArray stateArray(NDManager m) {
        float[] xf = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            xf[i] = (float) y[i];
        }
        return m.create(xf, shape);
    }

    /** The solver's double-precision state at its current time (for comparisons with the reference's complex128). */
    public double[] solverState() {
        return y.clone();
    }

    public double solverTime() {
        return t;
    }

    @Override
    public Step step(ScoreFunction score, int index, NDArray state, NDManager stepScope, NoiseSource noise) {
        if (!started) {
            start(score, stepScope, state);
        }
        double end = index == SEGMENTS - 1 ? tEps : 1 - (1 - tEps) * (index + 1) / SEGMENTS;
        while (t > end && t > tEps) {
            solverStep(score, stepScope);
        }
        NDArray x = stateArray(stepScope);
        probe.see(index, "x_ode", x);
        if (index < SEGMENTS - 1) {
            return new Step(x, x);
        }
        // final noise-free reverse-diffusion step at t_eps with step size t_eps
        float te = (float) tEps;
        NDArray s = score.score(x, condition, PredictorCorrectorSampler.batchTimes(te, x));
        double g = sde.diffusion(te);
        NDArray xMean = x.sub(x.sub(target).mul(-sde.theta() * te).sub(s.mul(g * g * te)));
        return new Step(xMean, xMean);
    }
}
