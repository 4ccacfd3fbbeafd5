package dev.restora.sgmse.sampling;

/**
 * Dormand–Prince 5(4) with the adaptive step control of SciPy's {@code solve_ivp(method="RK45")} (SciPy 1.10,
 * {@code scipy/integrate/_ivp/rk.py} and {@code common.py}), on a complex state held in double precision as all real
 * parts followed by all imaginary parts.
 *
 * <p>What is SciPy's, so the same derivative gives the same evaluation times: the initial step of
 * {@code select_initial_step} (error-estimator order 4; two evaluations; kept inside the interval as SciPy does since
 * 1.11, which changes nothing on an interval longer than it), steps clipped to the end of the interval, the error
 * {@code h·Σ E_j k_j} measured in the RMS norm over complex elements of {@code err / (atol + max(|y|, |y_new|)·rtol)},
 * acceptance below 1, the new step {@code h·min(10, 0.9·err^(-1/5))} (at most {@code h} after a rejection) and
 * {@code h·max(0.2, 0.9·err^(-1/5))} on a rejection, the minimum step {@code 10·ulp(t)}.
 *
 * <p>The step control feeds on the derivative's rounding: with a float32 network, changing its output by one part in
 * 10⁷ moves step sizes by parts in 10⁵ at once and the final state by parts in 10⁴ after a few hundred evaluations
 * (README, "Parity"), so {@link #attempt} and {@link #accept} are public for replaying a recorded step sequence.
 */
public final class DormandPrince45 {
    /** The right-hand side {@code dy/dt = f(t, y)}; must not keep {@code y}. */
    @FunctionalInterface
    public interface Derivative {
        double[] at(double t, double[] y);
    }

    /**
     * One Runge–Kutta step from {@link #time()} to {@code tNew}.
     *
     * @param errorNorm    the scaled RMS error estimate; the step is acceptable below 1
     * @param nextStepSize SciPy's next |h|: after acceptance when {@link #acceptable()}, else the retry
     */
    public record Attempt(double t, double tNew, double[] yNew, double[] fNew, double errorNorm, double nextStepSize) {
        public boolean acceptable() {
            return errorNorm < 1;
        }

        public double stepSize() {
            return Math.abs(tNew - t);
        }
    }

    static final double SAFETY = 0.9;
    static final double MIN_FACTOR = 0.2;
    static final double MAX_FACTOR = 10;
    /** -1 / (error estimator order + 1). */
    private static final double ERROR_EXPONENT = -1.0 / 5;
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

    private final Derivative derivative;
    private final double tBound;
    private final double direction;
    private final double rtol;
    private final double atol;
    private double t;
    private double[] y;
    private double[] f;
    private double stepSize;

    /** Starts at {@code (t0, y0)}: evaluates f there and selects the first step (SciPy's two evaluations). */
    public DormandPrince45(Derivative derivative, double t0, double[] y0, double tBound, double rtol, double atol) {
        if (y0.length % 2 != 0) {
            throw new IllegalArgumentException("the state holds complex numbers: real parts, then imaginary parts");
        }
        this.derivative = derivative;
        this.tBound = tBound;
        this.direction = Math.signum(tBound - t0);
        this.rtol = rtol;
        this.atol = atol;
        this.t = t0;
        this.y = y0.clone();
        this.f = derivative.at(t0, this.y);
        this.stepSize = initialStep();
    }

    /** SciPy's {@code select_initial_step}: a step from the sizes of y, f and f's first difference. */
    private double initialStep() {
        double interval = Math.abs(tBound - t);
        if (interval == 0) {
            return 0;
        }
        double[] scale = scale(y, y);
        double d0 = norm(y, scale);
        double d1 = norm(f, scale);
        double h0 = Math.min(d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1, interval);
        double[] y1 = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            y1[i] = y[i] + h0 * direction * f[i];
        }
        double[] f1 = derivative.at(t + h0 * direction, y1);
        double[] df = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            df[i] = f1[i] - f[i];
        }
        double d2 = norm(df, scale) / h0;
        double h1 = d1 <= 1e-15 && d2 <= 1e-15 ? Math.max(1e-6, h0 * 1e-3)
                : Math.pow(0.01 / Math.max(d1, d2), 1.0 / 5);
        return Math.min(Math.min(100 * h0, h1), interval);
    }

    public double time() {
        return t;
    }

    /** The current state (a copy). */
    public double[] state() {
        return y.clone();
    }

    /** The |h| the controller proposes for the next attempt. */
    public double stepSize() {
        return stepSize;
    }

    public boolean finished() {
        return direction * (t - tBound) >= 0;
    }

    /** The smallest step SciPy allows at the current time. */
    private double minStep() {
        return 10 * Math.abs(Math.nextAfter(t, direction * Double.POSITIVE_INFINITY) - t);
    }

    /**
     * Takes one accepted step: attempts with the proposed size until one is acceptable (SciPy's {@code _step_impl}).
     *
     * @return the accepted attempt
     * @throws IllegalStateException when the step size falls below SciPy's minimum
     */
    public Attempt step() {
        double h = Math.max(stepSize, minStep());
        boolean rejected = false;
        while (true) {
            if (h < minStep()) {
                throw new IllegalStateException("ODE solver step size too small at t = " + t);
            }
            Attempt a = attempt(h, rejected);
            if (a.acceptable()) {
                accept(a);
                return a;
            }
            h = a.nextStepSize();
            rejected = true;
        }
    }

    /**
     * One Runge–Kutta step of size {@code |h|} (clipped to the interval's end) with its error estimate; changes
     * nothing until {@link #accept}.
     *
     * @param afterRejection whether an attempt of this step was rejected before (the growth factor is then at most 1)
     */
    public Attempt attempt(double h, boolean afterRejection) {
        double tNew = t + h * direction;
        if (direction * (tNew - tBound) > 0) {
            tNew = tBound;
        }
        double step = tNew - t;
        int n = y.length;
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
            k[s] = derivative.at(t + C[s] * step, ys);
        }
        double[] yNew = new double[n];
        for (int i = 0; i < n; i++) {
            double dy = 0;
            for (int j = 0; j < 6; j++) {
                dy += k[j][i] * B[j];
            }
            yNew[i] = y[i] + step * dy;
        }
        k[6] = derivative.at(t + step, yNew);
        double[] err = new double[n];
        for (int i = 0; i < n; i++) {
            double e = 0;
            for (int j = 0; j < 7; j++) {
                e += k[j][i] * E[j];
            }
            err[i] = e * step;
        }
        double errorNorm = norm(err, scale(y, yNew));
        double hAbs = Math.abs(step);
        double next;
        if (errorNorm < 1) {
            double factor = errorNorm == 0 ? MAX_FACTOR
                    : Math.min(MAX_FACTOR, SAFETY * Math.pow(errorNorm, ERROR_EXPONENT));
            next = hAbs * (afterRejection ? Math.min(1, factor) : factor);
        } else {
            next = hAbs * Math.max(MIN_FACTOR, SAFETY * Math.pow(errorNorm, ERROR_EXPONENT));
        }
        return new Attempt(t, tNew, yNew, k[6], errorNorm, next);
    }

    /** Moves to the attempt's end, whatever its error (a replay may accept what this controller would not). */
    public void accept(Attempt a) {
        if (a.t() != t) {
            throw new IllegalArgumentException("the attempt started at " + a.t() + ", the solver is at " + t);
        }
        t = a.tNew();
        y = a.yNew();
        f = a.fNew();
        stepSize = a.nextStepSize();
    }

    /** {@code atol + max(|a|, |b|)·rtol} per complex element. */
    private double[] scale(double[] a, double[] b) {
        int n = a.length / 2;
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = atol + Math.max(Math.hypot(a[i], a[i + n]), Math.hypot(b[i], b[i + n])) * rtol;
        }
        return s;
    }

    /** RMS over complex elements of {@code v / scale} (SciPy's {@code norm(x) = ||x|| / sqrt(x.size)}). */
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
}
