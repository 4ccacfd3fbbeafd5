package dev.restora.classic.speech;

import java.util.Arrays;

/**
 * Noise power spectral density tracker by optimal smoothing and minimum statistics (R. Martin, "Noise power
 * spectral density estimation based on optimal smoothing and minimum statistics", IEEE Trans. Speech and Audio
 * Processing 9(5), 2001). Per bin: the periodogram is smoothed with a time- and frequency-dependent factor
 * (eq. 7, with the correction of eq. 9), the minimum over a window of {@code D = U·V} frames, split into
 * {@code U} sub-windows, is tracked with a bias compensation from the estimated degrees of freedom
 * (eqs. 13-18) and a fast update from the current sub-window when the noise rises (section V, Fig. 5).
 *
 * <p>The paper's constants are for 16 ms frame steps; they are rescaled here to the actual step so the time
 * constants stay the same ({@code alpha^(hop/16 ms)}).
 */
final class MinimumStatistics {
    private static final int U = 8;
    private static final double AV = 2.12;
    /** M(D) of Martin's Table III, for the bias of the minimum of D correlated frames. */
    private static final double[][] M_TABLE = {{1, 0}, {2, 0.26}, {5, 0.48}, {8, 0.58}, {10, 0.61}, {15, 0.668},
        {20, 0.705}, {30, 0.762}, {40, 0.8}, {60, 0.841}, {80, 0.865}, {120, 0.89}, {140, 0.9}, {160, 0.91}};

    private final int bins;
    private final int v;
    private final int d;
    private final double alphaMax;
    private final double alphaMin;
    private final double betaMax;
    private final double mD;
    private final double mV;

    private final double[] p;
    private final double[] pBar;
    private final double[] p2Bar;
    private final double[] sigma2;
    private final double[] actMin;
    private final double[] actMinSub;
    private final double[] pMin;
    private final boolean[] lminFlag;
    private final boolean[] kMod;
    private final double[] bMin;
    private final double[] bMinSub;
    private final double[][] store;
    private double alphaC = 1;
    private int subwc = 1;
    private int storeIdx;
    private boolean started;

    /**
     * @param bins          frequency bins per frame
     * @param hopSeconds    time between frames
     * @param windowSeconds length of the minimum search window (Martin uses about 1.5 s)
     */
    MinimumStatistics(int bins, double hopSeconds, double windowSeconds) {
        this.bins = bins;
        double scale = hopSeconds / 0.016;
        this.alphaMax = Math.pow(0.96, scale);
        this.alphaMin = Math.pow(0.3, scale);
        this.betaMax = Math.pow(0.8, scale);
        int frames = Math.max(2 * U, (int) Math.round(windowSeconds / hopSeconds));
        this.v = Math.max(2, (int) Math.round(frames / (double) U));
        this.d = U * v;
        this.mD = m(d);
        this.mV = m(v);
        p = new double[bins];
        pBar = new double[bins];
        p2Bar = new double[bins];
        sigma2 = new double[bins];
        actMin = new double[bins];
        actMinSub = new double[bins];
        pMin = new double[bins];
        lminFlag = new boolean[bins];
        kMod = new boolean[bins];
        bMin = new double[bins];
        bMinSub = new double[bins];
        store = new double[U][bins];
        for (double[] s : store) {
            Arrays.fill(s, Double.MAX_VALUE);
        }
        Arrays.fill(actMin, Double.MAX_VALUE);
        Arrays.fill(actMinSub, Double.MAX_VALUE);
    }

    /** Frames in the minimum search window. */
    int windowFrames() {
        return d;
    }

    /** M(D) by linear interpolation in log D of the table, extrapolated above 160. */
    static double m(int frames) {
        if (frames <= 1) {
            return 0;
        }
        for (int i = 1; i < M_TABLE.length; i++) {
            if (frames <= M_TABLE[i][0]) {
                double x0 = Math.log(M_TABLE[i - 1][0]);
                double x1 = Math.log(M_TABLE[i][0]);
                double f = (Math.log(frames) - x0) / (x1 - x0);
                return M_TABLE[i - 1][1] + f * (M_TABLE[i][1] - M_TABLE[i - 1][1]);
            }
        }
        double slope = (0.91 - 0.89) / Math.log(160.0 / 120.0);
        return Math.min(0.97, 0.91 + slope * Math.log(frames / 160.0));
    }

    /**
     * Takes the periodogram {@code |Y|^2} of the next frame and returns the noise PSD estimate (a view that the
     * next call overwrites).
     */
    double[] update(float[] y2) {
        if (!started) {
            for (int k = 0; k < bins; k++) {
                double y = Math.max(y2[k], 1e-20);
                p[k] = y;
                pBar[k] = y;
                p2Bar[k] = 2 * y * y;   // the periodogram of noise is exponential: var = mean^2
                sigma2[k] = y;
                // no minimum yet: until the first sub-window ends the estimate is the bias-compensated
                // minimum of the current sub-window (a single periodogram value is far too low a start)
                pMin[k] = Double.MAX_VALUE;
            }
            started = true;
        }
        // eq. 9: the correction factor alpha_c from the ratio of smoothed to instantaneous power
        double sumP = 0;
        double sumY = 0;
        for (int k = 0; k < bins; k++) {
            sumP += p[k];
            sumY += y2[k];
        }
        double ratio = sumY > 0 ? sumP / sumY : 1;
        double alphaCTilde = 1 / (1 + (ratio - 1) * (ratio - 1));
        alphaC = 0.7 * alphaC + 0.3 * Math.max(alphaCTilde, 0.7);
        double sumQInv = 0;
        for (int k = 0; k < bins; k++) {
            double y = Math.max(y2[k], 1e-20);
            // eq. 7: the optimal smoothing factor, bounded below
            double snr = p[k] / sigma2[k] - 1;
            double alpha = Math.max(alphaMax * alphaC / (1 + snr * snr), alphaMin);
            p[k] = alpha * p[k] + (1 - alpha) * y;
            // eqs. 13-16: variance of P and the equivalent degrees of freedom
            double beta = Math.min(alpha * alpha, betaMax);
            pBar[k] = beta * pBar[k] + (1 - beta) * p[k];
            p2Bar[k] = beta * p2Bar[k] + (1 - beta) * p[k] * p[k];
            double varP = Math.max(0, p2Bar[k] - pBar[k] * pBar[k]);
            double qInv = Math.min(varP / (2 * sigma2[k] * sigma2[k]), 0.5);
            sumQInv += qInv;
            // eqs. 17-18: bias of the minimum, for the whole window and for one sub-window
            double qEq = qInv > 1e-12 ? 1 / qInv : 1e12;
            double qD = Math.max((qEq - 2 * mD) / (1 - mD), 1e-6);
            double qV = Math.max((qEq - 2 * mV) / (1 - mV), 1e-6);
            bMin[k] = 1 + (d - 1) * 2 / qD;
            bMinSub[k] = 1 + (v - 1) * 2 / qV;
        }
        double qBarInv = sumQInv / bins;
        double bc = 1 + AV * Math.sqrt(qBarInv);
        for (int k = 0; k < bins; k++) {
            kMod[k] = false;
            double cand = p[k] * bMin[k] * bc;
            if (cand < actMin[k]) {
                actMin[k] = cand;
                actMinSub[k] = p[k] * bMinSub[k] * bc;
                kMod[k] = true;
            }
        }
        if (subwc == v) {
            double slope = qBarInv < 0.03 ? 8 : qBarInv < 0.05 ? 4 : qBarInv < 0.06 ? 2 : 1.2;
            for (int k = 0; k < bins; k++) {
                if (kMod[k]) {
                    lminFlag[k] = false;
                }
                store[storeIdx][k] = actMin[k];
                double mn = Double.MAX_VALUE;
                for (int u = 0; u < U; u++) {
                    mn = Math.min(mn, store[u][k]);
                }
                pMin[k] = mn;
                if (lminFlag[k] && actMinSub[k] < slope * pMin[k] && actMinSub[k] > pMin[k]) {
                    // the noise rose: take the current sub-window's minimum at once
                    pMin[k] = actMinSub[k];
                    for (int u = 0; u < U; u++) {
                        store[u][k] = actMinSub[k];
                    }
                }
                lminFlag[k] = false;
                actMin[k] = Double.MAX_VALUE;
                actMinSub[k] = Double.MAX_VALUE;
                sigma2[k] = pMin[k];
            }
            storeIdx = (storeIdx + 1) % U;
            subwc = 1;
        } else {
            if (subwc > 1) {
                for (int k = 0; k < bins; k++) {
                    if (kMod[k]) {
                        lminFlag[k] = true;
                    }
                    sigma2[k] = Math.min(actMinSub[k], pMin[k]);
                    pMin[k] = sigma2[k];
                }
            }
            subwc++;
        }
        return sigma2;
    }
}
