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
        WIENER,
        /**
         * Optimally-modified log-spectral amplitude (I. Cohen and B. Berdugo, "Speech enhancement for non-stationary
         * noise environments", Signal Processing 81, 2001): G = G_LSA^p · G_min^(1-p), with the speech presence
         * probability p from an a priori absence probability estimated per bin and frame (section 3).
         */
        OM_LSA
    }

    private static final double EULER_GAMMA = 0.5772156649015329;

    private final Estimator estimator;
    private final double alphaDd;
    private final double xiMin;
    private final double gainFloor;
    private final double[] prevClean;   // |Â(λ-1)|², the previous frame's estimated clean power
    private boolean first = true;
    // OM-LSA state: the recursively averaged a priori SNR ζ and the frame-level peak
    private final double[] xi;
    private final double[] zeta;
    private final double[] zetaLocal;
    private final double[] zetaGlobal;
    private double zetaFramePrev;
    private double zetaPeak = 1;

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
        this.xi = new double[bins];
        this.zeta = new double[bins];
        this.zetaLocal = new double[bins];
        this.zetaGlobal = new double[bins];
    }

    /** Computes the gains of one frame from its periodogram and noise PSD. */
    void compute(float[] y2, double[] noise, float[] gain) {
        double[] absence = estimator == Estimator.OM_LSA ? absenceProbability() : null;
        for (int k = 0; k < gain.length; k++) {
            double n = Math.max(noise[k], 1e-20);
            double gamma = Math.min(y2[k] / n, 1e6);
            double ml = Math.max(gamma - 1, 0);
            double x = first ? ml : alphaDd * prevClean[k] / n + (1 - alphaDd) * ml;
            x = Math.max(x, xiMin);
            xi[k] = x;
            double g = x / (1 + x);
            double v = Math.max(x * gamma / (1 + x), 1e-10);
            if (estimator != Estimator.WIENER) {
                g *= Math.exp(0.5 * expint(v));
            }
            g = Math.min(1, g);
            prevClean[k] = g * g * y2[k];
            if (absence != null) {
                // eq. 8 of Cohen and Berdugo: the presence probability, then the gain of eq. 14
                double q = absence[k];
                double p = 1 / (1 + q / (1 - q) * (1 + x) * Math.exp(-Math.min(v, 500)));
                g = Math.pow(g, p) * Math.pow(gainFloor, 1 - p);
            }
            gain[k] = (float) Math.max(g, gainFloor);
        }
        first = false;
    }

    private static final double BETA_ZETA = 0.7;
    private static final double ZETA_MIN = Math.pow(10, -10 / 10.0);
    private static final double ZETA_MAX = Math.pow(10, -5 / 10.0);
    private static final double ZETA_PEAK_MIN = 1;
    private static final double ZETA_PEAK_MAX = Math.pow(10, 10 / 10.0);
    private static final double Q_MAX = 0.95;

    /** Section 3 of Cohen and Berdugo: q = 1 - P_local P_global P_frame from the last frame's a priori SNRs. */
    private double[] absenceProbability() {
        int bins = xi.length;
        double[] q = new double[bins];
        if (first) {
            java.util.Arrays.fill(q, 0.5);
            return q;
        }
        double frame = 0;
        for (int k = 0; k < bins; k++) {
            zeta[k] = BETA_ZETA * zeta[k] + (1 - BETA_ZETA) * xi[k];
            frame += zeta[k];
        }
        frame /= bins;
        smooth(zeta, zetaLocal, 1);
        smooth(zeta, zetaGlobal, 15);
        double pFrame;
        if (frame <= ZETA_MIN) {
            pFrame = 0;
        } else if (frame > zetaFramePrev) {
            zetaPeak = Math.min(Math.max(frame, ZETA_PEAK_MIN), ZETA_PEAK_MAX);
            pFrame = 1;
        } else if (frame <= zetaPeak * ZETA_MIN) {
            pFrame = 0;
        } else if (frame >= zetaPeak * ZETA_MAX) {
            pFrame = 1;
        } else {
            pFrame = Math.log(frame / zetaPeak / ZETA_MIN) / Math.log(ZETA_MAX / ZETA_MIN);
        }
        zetaFramePrev = frame;
        for (int k = 0; k < bins; k++) {
            double pl = presence(zetaLocal[k]);
            double pg = presence(zetaGlobal[k]);
            q[k] = Math.min(1 - pl * pg * pFrame, Q_MAX);
        }
        return q;
    }

    private static double presence(double z) {
        if (z <= ZETA_MIN) {
            return 0;
        }
        if (z >= ZETA_MAX) {
            return 1;
        }
        return Math.log(z / ZETA_MIN) / Math.log(ZETA_MAX / ZETA_MIN);
    }

    /** Normalised Hann-window smoothing across frequency, half-width {@code w} bins. */
    private static void smooth(double[] in, double[] out, int w) {
        int n = in.length;
        double[] h = new double[2 * w + 1];
        for (int i = 0; i < h.length; i++) {
            h[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * (i + 1) / (h.length + 1));
        }
        for (int k = 0; k < n; k++) {
            double acc = 0;
            double norm = 0;
            for (int i = -w; i <= w; i++) {
                int j = k + i;
                if (j >= 0 && j < n) {
                    acc += h[i + w] * in[j];
                    norm += h[i + w];
                }
            }
            out[k] = acc / norm;
        }
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
