package dev.restora.sgmse.signal;

/**
 * The short-time Fourier transform pair exactly as {@code torch.stft} / {@code torch.istft} are called by SGMSE
 * (spec §1): win_length = n_fft, centred with REFLECT padding of n_fft/2 on each side, unnormalised, one-sided;
 * the inverse is a Hermitian inverse real DFT per frame (1/n_fft scaling, imaginary parts of bin 0 and of the
 * Nyquist bin ignored), windowed overlap-add and division by the overlap-added squared window.
 *
 * <p>n_fft (510, 1534) is not a power of two; the DFT is computed directly from a twiddle table in double
 * precision (cost O(n_fft²/2) per frame, small next to one network call).
 */
public final class Stft {
    private final int nFft;
    private final int hop;
    private final int bins;
    private final double[] window;
    private final double[] cos;
    private final double[] sin;

    public Stft(int nFft, int hop, WindowType window) {
        if (nFft < 4 || nFft % 2 != 0) {
            throw new IllegalArgumentException("n_fft must be even and at least 4, got " + nFft);
        }
        if (hop < 1 || hop > nFft) {
            throw new IllegalArgumentException("hop length must be in 1.." + nFft + ", got " + hop);
        }
        this.nFft = nFft;
        this.hop = hop;
        this.bins = nFft / 2 + 1;
        this.window = window.samples(nFft);
        this.cos = new double[nFft];
        this.sin = new double[nFft];
        for (int i = 0; i < nFft; i++) {
            cos[i] = Math.cos(2 * Math.PI * i / nFft);
            sin[i] = Math.sin(2 * Math.PI * i / nFft);
        }
    }

    public int nFft() {
        return nFft;
    }

    public int hop() {
        return hop;
    }

    public int bins() {
        return bins;
    }

    /** Frames of a signal of {@code samples} samples: {@code 1 + floor(samples / hop)}. */
    public int frames(int samples) {
        return 1 + samples / hop;
    }

    /** The window as float32 (for comparisons with torch.hann_window). */
    public float[] window() {
        float[] w = new float[nFft];
        for (int i = 0; i < nFft; i++) {
            w[i] = (float) window[i];
        }
        return w;
    }

    /** {@code torch.stft(x, n_fft, hop, window=w, center=True, pad_mode='reflect', onesided, return_complex)}. */
    public ComplexSpectrogram forward(float[] x) {
        int half = nFft / 2;
        if (x.length <= half) {
            throw new IllegalArgumentException("signal of " + x.length + " samples is too short for the STFT: "
                    + "reflect padding needs more than " + half + " samples");
        }
        int frames = frames(x.length);
        float[] re = new float[bins * frames];
        float[] im = new float[bins * frames];
        double[] f = new double[nFft];
        int last = x.length - 1;
        for (int m = 0; m < frames; m++) {
            int start = m * hop - half;
            for (int n = 0; n < nFft; n++) {
                int i = start + n;
                // reflect without repeating the edge sample (numpy/torch "reflect")
                if (i < 0) {
                    i = -i;
                } else if (i > last) {
                    i = 2 * last - i;
                }
                f[n] = x[i] * window[n];
            }
            for (int k = 0; k < bins; k++) {
                double sr = 0;
                double si = 0;
                int idx = 0;
                for (int n = 0; n < nFft; n++) {
                    sr += f[n] * cos[idx];
                    si -= f[n] * sin[idx];
                    idx += k;
                    if (idx >= nFft) {
                        idx -= nFft;
                    }
                }
                re[k * frames + m] = (float) sr;
                im[k * frames + m] = (float) si;
            }
        }
        return new ComplexSpectrogram(bins, frames, re, im);
    }

    /**
     * {@code torch.istft(X, n_fft, hop, window=w, center=True, length=length)} over all frames of {@code spec}
     * (padded frames included, spec §1.3).
     */
    public float[] inverse(ComplexSpectrogram spec, int length) {
        if (spec.bins() != bins) {
            throw new IllegalArgumentException("spectrogram has " + spec.bins() + " bins, the STFT " + bins);
        }
        int frames = spec.frames();
        int bufLen = nFft + hop * (frames - 1);
        double[] signal = new double[bufLen];
        double[] envelope = new double[bufLen];
        double[] frame = new double[nFft];
        double[] fr = new double[bins];
        double[] fi = new double[bins];
        float[] re = spec.re();
        float[] im = spec.im();
        for (int m = 0; m < frames; m++) {
            for (int k = 0; k < bins; k++) {
                // Hermitian weights: bins 0 and n/2 once, the others twice; 1/n scaling
                double c = (k == 0 || k == bins - 1) ? 1.0 / nFft : 2.0 / nFft;
                fr[k] = re[k * frames + m] * c;
                fi[k] = (k == 0 || k == bins - 1) ? 0 : im[k * frames + m] * c;
            }
            for (int n = 0; n < nFft; n++) {
                double s = 0;
                int idx = 0;
                for (int k = 0; k < bins; k++) {
                    s += fr[k] * cos[idx] - fi[k] * sin[idx];
                    idx += n;
                    if (idx >= nFft) {
                        idx -= nFft;
                    }
                }
                frame[n] = s;
            }
            int off = m * hop;
            for (int n = 0; n < nFft; n++) {
                signal[off + n] += frame[n] * window[n];
                envelope[off + n] += window[n] * window[n];
            }
        }
        float[] out = new float[length];
        int start = nFft / 2;
        for (int i = 0; i < length; i++) {
            int j = start + i;
            if (j >= bufLen) {
                break; // past the buffer: zero, as torch.istft pads
            }
            if (envelope[j] < 1e-11) {
                throw new IllegalStateException("window envelope is zero at sample " + i
                        + " (the window/hop pair violates the NOLA condition)");
            }
            out[i] = (float) (signal[j] / envelope[j]);
        }
        return out;
    }
}
