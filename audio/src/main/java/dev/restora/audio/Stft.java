package dev.restora.audio;

import org.jtransforms.fft.FloatFFT_1D;

/**
 * Short-time Fourier transform with a periodic Hann window, centred frames (frame {@code t} is centred on sample
 * {@code t * hop}, zeros outside the signal), and weighted overlap-add synthesis normalised by the summed squared
 * window, so {@code synthesize(analyze(x))} gives back {@code x} for any hop up to {@code fftSize / 2}.
 * Spectra are {@code [frame][2 * bin + {0: re, 1: im}]} with {@code fftSize / 2 + 1} bins. Not thread-safe
 * (the FFT scratch is shared): use one instance per thread.
 */
public final class Stft {
    private final int fftSize;
    private final int hop;
    private final float[] window;
    private final FloatFFT_1D fft;
    private final float[] scratch;

    public Stft(int fftSize, int hop) {
        if (fftSize < 4 || fftSize % 2 != 0 || hop < 1 || hop > fftSize / 2) {
            throw new IllegalArgumentException("need an even fftSize >= 4 and 1 <= hop <= fftSize/2: " + fftSize
                    + ", " + hop);
        }
        this.fftSize = fftSize;
        this.hop = hop;
        this.window = new float[fftSize];
        for (int i = 0; i < fftSize; i++) {
            window[i] = (float) (0.5 - 0.5 * Math.cos(2 * Math.PI * i / fftSize));
        }
        this.fft = new FloatFFT_1D(fftSize);
        this.scratch = new float[fftSize];
    }

    /** An STFT for display or speech processing at {@code sampleRate}: about 32 ms frames, 75 % overlap. */
    public static Stft forSpeech(int sampleRate) {
        int n = Math.max(16, 16 * (int) Math.round(0.032 * sampleRate / 16));
        return new Stft(n, n / 4);
    }

    public int fftSize() {
        return fftSize;
    }

    public int hop() {
        return hop;
    }

    public int bins() {
        return fftSize / 2 + 1;
    }

    /** Number of frames for {@code n} samples: {@code 1 + n / hop}. */
    public int frames(int n) {
        return 1 + n / hop;
    }

    /** The spectrum of the frame centred on sample {@code t * hop} into {@code out} (length {@code 2 * bins}). */
    public void analyzeFrame(float[] x, int t, float[] out) {
        int start = t * hop - fftSize / 2;
        for (int i = 0; i < fftSize; i++) {
            int j = start + i;
            scratch[i] = j >= 0 && j < x.length ? x[j] * window[i] : 0f;
        }
        fft.realForward(scratch);
        // JTransforms packs re[0], re[n/2], then (re, im) pairs
        out[0] = scratch[0];
        out[1] = 0;
        for (int k = 1; k < fftSize / 2; k++) {
            out[2 * k] = scratch[2 * k];
            out[2 * k + 1] = scratch[2 * k + 1];
        }
        out[fftSize] = scratch[1];
        out[fftSize + 1] = 0;
    }

    /** All frames of {@code x}. */
    public float[][] analyze(float[] x) {
        int frames = frames(x.length);
        float[][] s = new float[frames][2 * bins()];
        for (int t = 0; t < frames; t++) {
            analyzeFrame(x, t, s[t]);
        }
        return s;
    }

    /** Weighted overlap-add of {@code spec} into a signal of {@code length} samples. */
    public float[] synthesize(float[][] spec, int length) {
        float[] y = new float[length];
        float[] norm = new float[length];
        for (int t = 0; t < spec.length; t++) {
            addFrame(spec[t], t, y, norm);
        }
        normalise(y, norm);
        return y;
    }

    /** Inverse-transforms one frame and overlap-adds it (windowed) into {@code y}, its squared window into {@code norm}. */
    public void addFrame(float[] frame, int t, float[] y, float[] norm) {
        scratch[0] = frame[0];
        scratch[1] = frame[fftSize];
        for (int k = 1; k < fftSize / 2; k++) {
            scratch[2 * k] = frame[2 * k];
            scratch[2 * k + 1] = frame[2 * k + 1];
        }
        fft.realInverse(scratch, true);
        int start = t * hop - fftSize / 2;
        for (int i = 0; i < fftSize; i++) {
            int j = start + i;
            if (j >= 0 && j < y.length) {
                y[j] += scratch[i] * window[i];
                norm[j] += window[i] * window[i];
            }
        }
    }

    /** Divides the overlap-added signal by its summed squared window. */
    public static void normalise(float[] y, float[] norm) {
        for (int i = 0; i < y.length; i++) {
            y[i] = norm[i] > 1e-8f ? y[i] / norm[i] : 0f;
        }
    }

    /** Power |X|^2 of each bin of one spectrum frame into {@code out}. */
    public static void power(float[] frame, float[] out) {
        for (int k = 0; k < out.length; k++) {
            float re = frame[2 * k];
            float im = frame[2 * k + 1];
            out[k] = re * re + im * im;
        }
    }

    /**
     * The magnitude spectrogram of {@code x} in dB (20 log10 |X|, relative to a full-scale sine at 0 dB),
     * floored at {@code floorDb}: {@code [frame][bin]}.
     */
    public float[][] magnitudeDb(float[] x, float floorDb) {
        int frames = frames(x.length);
        float[][] out = new float[frames][bins()];
        float[] f = new float[2 * bins()];
        float[] p = new float[bins()];
        // a full-scale sine gives |X| = sum(window) / 2 = fftSize / 4
        double ref = fftSize / 4.0;
        for (int t = 0; t < frames; t++) {
            analyzeFrame(x, t, f);
            power(f, p);
            for (int k = 0; k < p.length; k++) {
                out[t][k] = toDb(p[k], ref, floorDb);
            }
        }
        return out;
    }

    /** 10 log10(power) relative to amplitude {@code ref}, floored. */
    public static float toDb(float power, double ref, float floorDb) {
        double db = 10 * Math.log10(power / (ref * ref) + 1e-30);
        return (float) Math.max(floorDb, db);
    }

    /**
     * A display-size frequency-major copy ({@code db[bin * frames + frame]}, bin 0 lowest) of a
     * {@code [frame][bin]} spectrogram, max-pooled to at most {@code maxFrames} by {@code maxBins}.
     */
    public static Display forDisplay(float[][] framesByBins, int maxFrames, int maxBins) {
        int frames = framesByBins.length;
        int bins = frames == 0 ? 0 : framesByBins[0].length;
        int ft = Math.max(1, (frames + maxFrames - 1) / Math.max(1, maxFrames));
        int fb = Math.max(1, (bins + maxBins - 1) / Math.max(1, maxBins));
        int outF = (frames + ft - 1) / ft;
        int outB = (bins + fb - 1) / fb;
        float[] db = new float[outF * outB];
        for (int b = 0; b < outB; b++) {
            for (int t = 0; t < outF; t++) {
                float m = Float.NEGATIVE_INFINITY;
                for (int tt = t * ft; tt < Math.min(frames, (t + 1) * ft); tt++) {
                    for (int bb = b * fb; bb < Math.min(bins, (b + 1) * fb); bb++) {
                        m = Math.max(m, framesByBins[tt][bb]);
                    }
                }
                db[b * outF + t] = m;
            }
        }
        return new Display(outB, outF, db);
    }

    /** A frequency-major dB image: {@code db[bin * frames + frame]}. */
    public record Display(int bins, int frames, float[] db) {
    }
}
