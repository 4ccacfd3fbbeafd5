package dev.restora.resshift.diffusion;

/**
 * ResShift's exponential eta schedule and reverse-posterior coefficients, in float64 (spec §1.2 - §1.4).
 * Index t runs 0 ... T-1 (the code's 0-based step index; the paper's t+1).
 */
public final class EtaSchedule {
    private final int steps;
    private final double kappa;
    private final double[] sqrtEta;
    private final double[] eta;
    private final double[] etaPrev;
    private final double[] alpha;
    private final double[] posteriorVariance;
    private final double[] posteriorLogVarianceClipped;
    private final double[] coef1;
    private final double[] coef2;

    private EtaSchedule(int steps, double kappa, double[] sqrtEta) {
        this.steps = steps;
        this.kappa = kappa;
        this.sqrtEta = sqrtEta;
        eta = new double[steps];
        etaPrev = new double[steps];
        alpha = new double[steps];
        posteriorVariance = new double[steps];
        posteriorLogVarianceClipped = new double[steps];
        coef1 = new double[steps];
        coef2 = new double[steps];
        for (int t = 0; t < steps; t++) {
            eta[t] = sqrtEta[t] * sqrtEta[t];
        }
        for (int t = 0; t < steps; t++) {
            etaPrev[t] = t == 0 ? 0.0 : eta[t - 1];
            alpha[t] = eta[t] - etaPrev[t];
            // sigma_t^2 = kappa^2 eta_{t-1} / eta_t alpha_t; mean = eta_{t-1}/eta_t x_t + alpha_t/eta_t x0 (§1.4)
            posteriorVariance[t] = kappa * kappa * etaPrev[t] / eta[t] * alpha[t];
            coef1[t] = etaPrev[t] / eta[t];
            coef2[t] = alpha[t] / eta[t];
        }
        for (int t = 0; t < steps; t++) {
            // the official log-variance is "clipped" by replacing index 0 with index 1 (no effect: no noise at t=0)
            int src = t == 0 && steps > 1 ? 1 : t;
            posteriorLogVarianceClipped[t] = Math.log(posteriorVariance[src]);
        }
    }

    /**
     * The "exponential" schedule: sqrt(eta_t) = s_start (s_end/s_start)^((t/(T-1))^p), computed as the code does
     * with base = exp(ln(s_end/s_start)/(T-1)) and exponent (t/(T-1))^p (T-1).
     *
     * @param legacyStart the master-branch start min(minNoise/kappa, minNoise, sqrt(0.001)) (SinSR, legacy v1.0);
     *                    otherwise the journal start min(minNoise/kappa, minNoise)
     */
    public static EtaSchedule exponential(int steps, double power, double minNoiseLevel, double etasEnd, double kappa,
                                          boolean legacyStart) {
        if (steps < 2) {
            throw new IllegalArgumentException("the exponential schedule needs at least 2 steps: " + steps);
        }
        double start = Math.min(minNoiseLevel / kappa, minNoiseLevel);
        if (legacyStart) {
            start = Math.min(start, Math.sqrt(0.001));
        }
        double increaser = Math.exp(1.0 / (steps - 1) * Math.log(etasEnd / start));
        double base = increaser;
        double[] sqrtEta = new double[steps];
        for (int t = 0; t < steps; t++) {
            // numpy's linspace(0, 1, T): i * (1/(T-1)), the last value exactly 1
            double lin = t == steps - 1 ? 1.0 : t * (1.0 / (steps - 1));
            double pt = Math.pow(lin, power) * (steps - 1);
            sqrtEta[t] = Math.pow(base, pt) * start;
        }
        return new EtaSchedule(steps, kappa, sqrtEta);
    }

    public int steps() {
        return steps;
    }

    public double kappa() {
        return kappa;
    }

    public double sqrtEta(int t) {
        return sqrtEta[t];
    }

    public double eta(int t) {
        return eta[t];
    }

    public double etaPrev(int t) {
        return etaPrev[t];
    }

    public double alpha(int t) {
        return alpha[t];
    }

    public double posteriorVariance(int t) {
        return posteriorVariance[t];
    }

    public double posteriorLogVarianceClipped(int t) {
        return posteriorLogVarianceClipped[t];
    }

    public double coef1(int t) {
        return coef1[t];
    }

    public double coef2(int t) {
        return coef2[t];
    }

    /** sqrt(kappa^2 eta_t + 1), the divisor of the network input (§1.3). */
    public double inputScale(int t) {
        return Math.sqrt(eta[t] * kappa * kappa + 1);
    }

    /** kappa sqrt(eta_{T-1}), the std of the prior x_T = z_y + kappa sqrt(eta_{T-1}) eps (§1.5). */
    public double priorStd() {
        return kappa * sqrtEta[steps - 1];
    }
}
