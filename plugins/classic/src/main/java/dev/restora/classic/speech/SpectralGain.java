package dev.restora.classic.speech;

/**
 * Short-time spectral amplitude estimators with the decision-directed a priori SNR (Y. Ephraim and D. Malah,
 * "Speech enhancement using a minimum mean-square error short-time spectral amplitude estimator", IEEE TASSP 32(6),
 * 1984, eq. 51; and "... log-spectral amplitude estimator", IEEE TASSP 33(2), 1985, eq. 20).
 */
final class SpectralGain {
    /** Which estimator turns the SNRs into a gain. */
    enum Estimator {
        /** Ephraim-Malah 1985: G = ξ/(1+ξ) · exp(½ E1(v)), v = ξγ/(1+ξ). */
        LOG_MMSE,
        /** Wiener: G = ξ/(1+ξ). */
        WIENER
    }

    private static final double EULER_GAMMA = 0.5772156649015329;

    private final Estimator estimator;
    private final double alphaDd;
    private final double xiMin;
    private final double gainFloor;
    private final double[] prevClean;   // |Â(λ-1)|², the previous frame's estimated clean power
    private boolean first = true;

    /**
     * @param alphaDd   decision-directed smoothing (0.98 in Ephraim and Malah)
     * @param xiMin     lower bound of the a priori SNR (linear), which sets the residual-noise character
     * @param gainFloor lowest gain (linear): the most the noise is attenuated
     */
    SpectralGain(int bins, Estimator estimator, double alphaDd, double xiMin, double gainFloor) {
        this.estimator = estimator;
        this.alphaDd = alphaDd;
        this.xiMin = xiMin;
        this.gainFloor = gainFloor;
        this.prevClean = new double[bins];
    }

    /** Computes the gains of one frame from its periodogram and noise PSD. */
    void compute(float[] y2, double[] noise, float[] gain) {
        for (int k = 0; k < gain.length; k++) {
            double n = Math.max(noise[k], 1e-20);
            double gamma = Math.min(y2[k] / n, 1e6);
            double ml = Math.max(gamma - 1, 0);
            double xi = first ? ml : alphaDd * prevClean[k] / n + (1 - alphaDd) * ml;
            xi = Math.max(xi, xiMin);
            double g = xi / (1 + xi);
            if (estimator == Estimator.LOG_MMSE) {
                double v = Math.max(xi * gamma / (1 + xi), 1e-10);
                g *= Math.exp(0.5 * expint(v));
            }
            g = Math.min(1, g);
            prevClean[k] = g * g * y2[k];
            gain[k] = (float) Math.max(g, gainFloor);
        }
        first = false;
    }

    /** The exponential integral E1(x) = ∫_x^∞ e^-t / t dt for x > 0 (series below 1, continued fraction above). */
    static double expint(double x) {
        if (x <= 0) {
            throw new IllegalArgumentException("E1 needs x > 0: " + x);
        }
        if (x <= 1) {
            double sum = 0;
            double term = 1;
            for (int k = 1; k < 100; k++) {
                term *= -x / k;
                double add = -term / k;
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            return -EULER_GAMMA - Math.log(x) + sum;
        }
        // modified Lentz evaluation of the continued fraction (Numerical Recipes, expint, n = 1)
        double b = x + 1;
        double c = 1e300;
        double dd = 1 / b;
        double h = dd;
        for (int i = 1; i < 200; i++) {
            double an = -(double) i * i;
            b += 2;
            dd = 1 / (an * dd + b);
            c = b + an / c;
            double del = c * dd;
            h *= del;
            if (Math.abs(del - 1) < 1e-16) {
                break;
            }
        }
        return h * Math.exp(-x);
    }
}
