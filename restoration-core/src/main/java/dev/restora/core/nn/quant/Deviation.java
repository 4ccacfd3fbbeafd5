package dev.restora.core.nn.quant;

import ai.djl.ndarray.NDArray;

/** How far an approximate output moves from the exact one, for fast-mode tests and benchmarks. */
public final class Deviation {
    private Deviation() {
    }

    /** PSNR in dB of {@code out} against {@code exact} with the given peak (1 for images in [0, 1]). */
    public static double psnr(float[] exact, float[] out, double peak) {
        if (exact.length != out.length) {
            throw new IllegalArgumentException("sizes differ: " + exact.length + " vs " + out.length);
        }
        double se = 0;
        for (int i = 0; i < exact.length; i++) {
            double d = (double) exact[i] - out[i];
            se += d * d;
        }
        double mse = se / exact.length;
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(peak * peak / mse);
    }

    /** Relative RMS deviation of {@code out} from {@code exact}: sqrt(sum (out - exact)^2 / sum exact^2). */
    public static double relativeRms(float[] exact, float[] out) {
        if (exact.length != out.length) {
            throw new IllegalArgumentException("sizes differ: " + exact.length + " vs " + out.length);
        }
        double se = 0;
        double ss = 0;
        for (int i = 0; i < exact.length; i++) {
            double d = (double) out[i] - exact[i];
            se += d * d;
            ss += (double) exact[i] * exact[i];
        }
        return Math.sqrt(se / Math.max(ss, 1e-30));
    }

    /** {@link #relativeRms(float[], float[])} of two arrays of the same shape, computed by the engine. */
    public static double relativeRms(NDArray exact, NDArray out) {
        return Math.sqrt(out.sub(exact).pow(2).mean().getFloat() / Math.max(1e-30, exact.pow(2).mean().getFloat()));
    }
}
