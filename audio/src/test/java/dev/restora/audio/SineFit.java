package dev.restora.audio;

/** Least-squares fit of {@code a cos + b sin + c} at a known frequency, for distortion and gain measurements. */
final class SineFit {
    final double amplitude;
    final double phase;
    final double residualRms;
    final double signalRms;

    private SineFit(double amplitude, double phase, double residualRms, double signalRms) {
        this.amplitude = amplitude;
        this.phase = phase;
        this.residualRms = residualRms;
        this.signalRms = signalRms;
    }

    /** Fits samples {@code from..to-1} of {@code x} (rate {@code fs}) with a sine of frequency {@code f}. */
    static SineFit fit(float[] x, int from, int to, double f, double fs) {
        // normal equations of the 3-parameter fit
        double[][] a = new double[3][4];
        for (int i = from; i < to; i++) {
            double w = 2 * Math.PI * f * i / fs;
            double[] v = {Math.cos(w), Math.sin(w), 1};
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) {
                    a[r][c] += v[r] * v[c];
                }
                a[r][3] += v[r] * x[i];
            }
        }
        double[] p = solve(a);
        double res = 0;
        double sig = 0;
        for (int i = from; i < to; i++) {
            double w = 2 * Math.PI * f * i / fs;
            double s = p[0] * Math.cos(w) + p[1] * Math.sin(w);
            double e = x[i] - s - p[2];
            res += e * e;
            sig += s * s;
        }
        int n = to - from;
        return new SineFit(Math.hypot(p[0], p[1]), Math.atan2(-p[1], p[0]), Math.sqrt(res / n), Math.sqrt(sig / n));
    }

    /** THD+N in dB: everything but the fitted sine relative to the sine. */
    double thdnDb() {
        return 20 * Math.log10(residualRms / signalRms);
    }

    private static double[] solve(double[][] a) {
        int n = 3;
        for (int col = 0; col < n; col++) {
            int piv = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) {
                    piv = r;
                }
            }
            double[] t = a[col];
            a[col] = a[piv];
            a[piv] = t;
            for (int r = 0; r < n; r++) {
                if (r != col) {
                    double m = a[r][col] / a[col][col];
                    for (int c = col; c <= n; c++) {
                        a[r][c] -= m * a[col][c];
                    }
                }
            }
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = a[i][n] / a[i][i];
        }
        return out;
    }
}
