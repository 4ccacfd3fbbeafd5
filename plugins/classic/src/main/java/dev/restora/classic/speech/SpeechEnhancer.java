package dev.restora.classic.speech;

import dev.restora.audio.Stft;

/**
 * The weight-free speech enhancer: STFT (about 32 ms Hann frames, 75 % overlap), a minimum-statistics noise
 * tracker ({@link MinimumStatistics}), a decision-directed log-MMSE or Wiener gain ({@link SpectralGain}), and
 * weighted overlap-add. One channel at a time; one instance per thread.
 *
 * <p>The tracker is primed with a first pass over the opening window (so the first second is not left
 * unsuppressed while the minimum search fills), and the partial frames at the clip's edges have their
 * periodogram corrected for the missing window energy before they reach the tracker.
 */
final class SpeechEnhancer {

    /** Enhancement settings. */
    record Settings(SpectralGain.Estimator estimator, double maxAttenuationDb, double noiseWindowSeconds) {
        /** Defaults: log-MMSE, 25 dB at most, 1.5 s minimum search window. */
        static Settings defaults() {
            return new Settings(SpectralGain.Estimator.LOG_MMSE, 25, 1.5);
        }
    }

    /** Called every {@code framesPerBlock} frames; may throw to stop (cancellation). */
    interface Progress {
        void block(int framesDone, int frames, float[] enhancedPower, int frameFrom, int frameTo);
    }

    static final double XI_MIN_DB = -25;
    static final double ALPHA_DD = 0.98;

    private final int sampleRate;
    private final Settings settings;
    private final Stft stft;

    SpeechEnhancer(int sampleRate, Settings settings) {
        this.sampleRate = sampleRate;
        this.settings = settings;
        this.stft = Stft.forSpeech(sampleRate);
    }

    Stft stft() {
        return stft;
    }

    /** Number of STFT frames for {@code n} samples. */
    int frames(int n) {
        return stft.frames(n);
    }

    /**
     * Enhances one channel.
     *
     * @param framesPerBlock how often {@code progress} is called
     * @param progress       receives progress, or null
     * @param spectra        whether to hand {@code progress} each block's enhanced power |Ŝ|²
     *                       ({@code [frame - frameFrom][bin]} flattened; else null)
     */
    float[] enhance(float[] x, int framesPerBlock, Progress progress, boolean spectra) {
        int n = x.length;
        int frames = stft.frames(n);
        int bins = stft.bins();
        double hopSeconds = stft.hop() / (double) sampleRate;
        MinimumStatistics tracker = new MinimumStatistics(bins, hopSeconds, settings.noiseWindowSeconds());
        double floor = Math.pow(10, -settings.maxAttenuationDb() / 20);
        SpectralGain gains = new SpectralGain(bins, settings.estimator(), ALPHA_DD, Math.pow(10, XI_MIN_DB / 10), floor);
        float[] spec = new float[2 * bins];
        float[] power = new float[bins];
        float[] corrected = new float[bins];
        float[] gain = new float[bins];
        double[] windowEnergy = frameWindowEnergy(n, frames);

        // prime the noise tracker over the opening window
        int prime = Math.min(frames, tracker.windowFrames());
        float[][] primed = new float[prime][];
        for (int t = 0; t < prime; t++) {
            stft.analyzeFrame(x, t, spec);
            primed[t] = spec.clone();   // kept for the main pass: each frame is transformed once
            Stft.power(spec, power);
            correct(power, windowEnergy[t], corrected);
            tracker.update(corrected);
        }

        float[] y = new float[n];
        float[] norm = new float[n];
        int block = Math.max(1, framesPerBlock);
        float[] blockDb = progress == null || !spectra ? null : new float[block * bins];
        for (int t = 0; t < frames; t++) {
            if (t < prime) {
                System.arraycopy(primed[t], 0, spec, 0, spec.length);
                primed[t] = null;
            } else {
                stft.analyzeFrame(x, t, spec);
            }
            Stft.power(spec, power);
            correct(power, windowEnergy[t], corrected);
            double[] noise = tracker.update(corrected);
            gains.compute(corrected, noise, gain);
            for (int k = 0; k < bins; k++) {
                spec[2 * k] *= gain[k];
                spec[2 * k + 1] *= gain[k];
            }
            stft.addFrame(spec, t, y, norm);
            if (blockDb != null) {
                int row = t % block;
                for (int k = 0; k < bins; k++) {
                    blockDb[row * bins + k] = power[k] * gain[k] * gain[k];
                }
            }
            if (progress != null && (t % block == block - 1 || t == frames - 1)) {
                progress.block(t + 1, frames, blockDb, t - t % block, t + 1);
            }
        }
        Stft.normalise(y, norm);
        return y;
    }

    /** The fraction of the full window's energy that falls inside the signal, per frame. */
    private double[] frameWindowEnergy(int n, int frames) {
        int size = stft.fftSize();
        double[] w2 = new double[size];
        double total = 0;
        for (int i = 0; i < size; i++) {
            double w = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / size);
            w2[i] = w * w;
            total += w2[i];
        }
        double[] out = new double[frames];
        for (int t = 0; t < frames; t++) {
            int start = t * stft.hop() - size / 2;
            double e = 0;
            if (start >= 0 && start + size <= n) {
                e = total;
            } else {
                for (int i = 0; i < size; i++) {
                    int j = start + i;
                    if (j >= 0 && j < n) {
                        e += w2[i];
                    }
                }
            }
            out[t] = Math.max(e / total, 1e-3);
        }
        return out;
    }

    private static void correct(float[] power, double fraction, float[] out) {
        float inv = (float) (1 / fraction);
        for (int k = 0; k < power.length; k++) {
            out[k] = power[k] * inv;
        }
    }
}
