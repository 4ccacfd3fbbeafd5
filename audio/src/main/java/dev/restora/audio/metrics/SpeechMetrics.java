package dev.restora.audio.metrics;

/**
 * Objective speech-quality measures between an estimate and its clean reference, both at the same rate and
 * sample-aligned. All return dB; a perfect estimate gives {@link Double#POSITIVE_INFINITY} where the measure has
 * no ceiling.
 */
public final class SpeechMetrics {
    /** Per-frame SNR bounds of segmental SNR (Hansen and Pellom 1998; Loizou, "Speech Enhancement", 2013, ch. 10). */
    public static final double SEG_SNR_MIN = -10;
    public static final double SEG_SNR_MAX = 35;

    private SpeechMetrics() {
    }

    /**
     * Scale-invariant signal-to-distortion ratio (Le Roux et al., "SDR: half-baked or well done?", ICASSP 2019):
     * both signals made zero-mean, target = (⟨ŝ, s⟩ / ‖s‖²) s, SI-SDR = 10 log10(‖target‖² / ‖ŝ − target‖²).
     */
    public static double siSdr(float[] estimate, float[] reference) {
        check(estimate, reference);
        int n = reference.length;
        double me = mean(estimate);
        double mr = mean(reference);
        double dot = 0;
        double rr = 0;
        for (int i = 0; i < n; i++) {
            double r = reference[i] - mr;
            dot += (estimate[i] - me) * r;
            rr += r * r;
        }
        if (rr == 0) {
            throw new IllegalArgumentException("SI-SDR is undefined for a silent (constant) reference");
        }
        double alpha = dot / rr;
        double target = 0;
        double noise = 0;
        for (int i = 0; i < n; i++) {
            double t = alpha * (reference[i] - mr);
            double e = (estimate[i] - me) - t;
            target += t * t;
            noise += e * e;
        }
        return 10 * Math.log10(target / noise);
    }

    /** Plain SNR: 10 log10(‖s‖² / ‖ŝ − s‖²), no scaling, no mean removal. */
    public static double snr(float[] estimate, float[] reference) {
        check(estimate, reference);
        double s = 0;
        double e = 0;
        for (int i = 0; i < reference.length; i++) {
            double d = estimate[i] - (double) reference[i];
            s += reference[i] * (double) reference[i];
            e += d * d;
        }
        return 10 * Math.log10(s / e);
    }

    /**
     * Segmental SNR: the mean over 30 ms frames (75 % overlap, Hann window) of the per-frame SNR, each bounded
     * to [{@value #SEG_SNR_MIN}, {@value #SEG_SNR_MAX}] dB so silent frames cannot dominate (the definition of
     * Hansen and Pellom used by the composite measures). Every frame counts, speech or not.
     */
    public static double segmentalSnr(float[] estimate, float[] reference, int sampleRate) {
        check(estimate, reference);
        int len = Math.max(2, (int) Math.round(0.030 * sampleRate));
        int hop = Math.max(1, len / 4);
        double[] w = new double[len];
        for (int i = 0; i < len; i++) {
            w[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * (i + 1) / (len + 1));
        }
        int n = reference.length;
        if (n < len) {
            return Math.max(SEG_SNR_MIN, Math.min(SEG_SNR_MAX, snr(estimate, reference)));
        }
        double sum = 0;
        int frames = 0;
        for (int start = 0; start + len <= n; start += hop) {
            double s = 0;
            double e = 0;
            for (int i = 0; i < len; i++) {
                double r = reference[start + i] * w[i];
                double d = (estimate[start + i] - (double) reference[start + i]) * w[i];
                s += r * r;
                e += d * d;
            }
            double snr = 10 * Math.log10(s / (e + 1e-20) + 1e-20);
            sum += Math.max(SEG_SNR_MIN, Math.min(SEG_SNR_MAX, snr));
            frames++;
        }
        return sum / frames;
    }

    private static double mean(float[] x) {
        double s = 0;
        for (float v : x) {
            s += v;
        }
        return s / x.length;
    }

    private static void check(float[] estimate, float[] reference) {
        if (estimate.length != reference.length) {
            throw new IllegalArgumentException("estimate and reference differ in length: " + estimate.length + " vs "
                    + reference.length);
        }
        if (reference.length == 0) {
            throw new IllegalArgumentException("empty signals");
        }
    }
}
