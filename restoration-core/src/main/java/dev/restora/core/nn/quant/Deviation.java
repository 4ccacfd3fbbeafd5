package dev.restora.core.nn.quant;

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
}
