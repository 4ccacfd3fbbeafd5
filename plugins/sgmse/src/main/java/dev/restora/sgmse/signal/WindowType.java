package dev.restora.sgmse.signal;

import java.util.Locale;

/** The analysis/synthesis window of the SGMSE front end (hparam {@code window}). */
public enum WindowType {
    /** Periodic Hann, {@code w[n] = 0.5 - 0.5 cos(2 pi n / N)} (torch.hann_window(N, periodic=True)). */
    HANN,
    /** Element-wise square root of the periodic Hann window. */
    SQRTHANN;

    public static WindowType parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "hann" -> HANN;
            case "sqrthann" -> SQRTHANN;
            default -> throw new IllegalArgumentException("unsupported STFT window '" + name + "' (hann, sqrthann)");
        };
    }

    /** The window of length {@code n}, in double precision. */
    public double[] samples(int n) {
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            double h = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / n);
            w[i] = this == HANN ? h : Math.sqrt(h);
        }
        return w;
    }
}
