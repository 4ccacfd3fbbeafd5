package dev.restora.app.studio.model;

import dev.restora.audio.AudioClip;

/**
 * Display and listening helpers for recordings (pure Java): mono mix-down, alignment of the output to the input's
 * rate and length, the removed part (input minus output), waveform peaks and a dB spectrogram.
 */
public final class AudioAnalysis {
    private AudioAnalysis() {
    }

    /** The channels averaged. */
    public static float[] mono(AudioClip clip) {
        float[][] c = clip.channels();
        if (c.length == 1) {
            return c[0];
        }
        int n = clip.frames();
        float[] out = new float[n];
        for (float[] ch : c) {
            for (int i = 0; i < n; i++) {
                out[i] += ch[i] / c.length;
            }
        }
        return out;
    }

    /** {@code samples} at {@code fromRate} resampled linearly to {@code toRate} and cut or padded to {@code length}. */
    public static float[] align(float[] samples, int fromRate, int toRate, int length) {
        float[] out = new float[length];
        if (fromRate == toRate) {
            System.arraycopy(samples, 0, out, 0, Math.min(length, samples.length));
            return out;
        }
        double step = fromRate / (double) toRate;
        for (int i = 0; i < length; i++) {
            double x = i * step;
            int j = (int) x;
            if (j + 1 >= samples.length) {
                if (j < samples.length) {
                    out[i] = samples[j];
                }
                continue;
            }
            double f = x - j;
            out[i] = (float) (samples[j] * (1 - f) + samples[j + 1] * f);
        }
        return out;
    }

    /** What the restoration removed: input minus output, sample by sample (equal length). */
    public static float[] removed(float[] input, float[] output) {
        int n = Math.min(input.length, output.length);
        float[] out = new float[input.length];
        for (int i = 0; i < n; i++) {
            out[i] = input[i] - output[i];
        }
        return out;
    }

    /** Per column the minimum and maximum sample: {@code [2 * col]} min, {@code [2 * col + 1]} max. */
    public static float[] peaks(float[] s, int columns) {
        float[] out = new float[2 * columns];
        int n = s.length;
        for (int c = 0; c < columns; c++) {
            int a = (int) ((long) c * n / columns);
            int b = Math.max(a + 1, (int) ((long) (c + 1) * n / columns));
            float lo = 0;
            float hi = 0;
            for (int i = a; i < Math.min(b, n); i++) {
                lo = Math.min(lo, s[i]);
                hi = Math.max(hi, s[i]);
            }
            out[2 * c] = lo;
            out[2 * c + 1] = hi;
        }
        return out;
    }

    /**
     * Magnitude spectrogram in dB with a Hann window of {@code nfft} (a power of two) and about {@code maxFrames}
     * frames: {@code db[bin * frames + frame]}, bins 0..nfft/2.
     */
    public static Pixels.Argb spectrogram(float[] s, int nfft, int maxFrames) {
        int hop = Math.max(nfft / 4, (int) Math.ceil(Math.max(1, s.length - nfft) / (double) Math.max(1, maxFrames)));
        int frames = Math.max(1, 1 + Math.max(0, s.length - nfft) / hop);
        int bins = nfft / 2 + 1;
        float[] db = new float[bins * frames];
        double[] win = new double[nfft];
        for (int i = 0; i < nfft; i++) {
            win[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / nfft);
        }
        double[] re = new double[nfft];
        double[] im = new double[nfft];
        for (int f = 0; f < frames; f++) {
            int off = f * hop;
            for (int i = 0; i < nfft; i++) {
                int k = off + i;
                re[i] = k < s.length ? s[k] * win[i] : 0;
                im[i] = 0;
            }
            fft(re, im);
            for (int b = 0; b < bins; b++) {
                double p = re[b] * re[b] + im[b] * im[b];
                db[b * frames + f] = (float) (10 * Math.log10(p + 1e-10));
            }
        }
        return Pixels.spectrogram(db, bins, frames, 80);
    }

    /** In-place radix-2 FFT. */
    static void fft(double[] re, double[] im) {
        int n = re.length;
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j ^= bit;
            if (i < j) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        for (int len = 2; len <= n; len <<= 1) {
            double ang = -2 * Math.PI / len;
            double wr = Math.cos(ang);
            double wi = Math.sin(ang);
            for (int i = 0; i < n; i += len) {
                double cr = 1;
                double ci = 0;
                for (int k = 0; k < len / 2; k++) {
                    int a = i + k;
                    int b = a + len / 2;
                    double xr = re[b] * cr - im[b] * ci;
                    double xi = re[b] * ci + im[b] * cr;
                    re[b] = re[a] - xr;
                    im[b] = im[a] - xi;
                    re[a] += xr;
                    im[a] += xi;
                    double t = cr * wr - ci * wi;
                    ci = cr * wi + ci * wr;
                    cr = t;
                }
            }
        }
    }
}
