package dev.restora.sgmse.signal;

import org.jtransforms.fft.DoubleFFT_1D;

/**
 * The short-time Fourier transform pair exactly as {@code torch.stft} / {@code torch.istft} are called by SGMSE
 * (spec §1): win_length = n_fft, centred with REFLECT padding of n_fft/2 on each side, unnormalised, one-sided;
 * the inverse is a Hermitian inverse real DFT per frame (1/n_fft scaling, imaginary parts of bin 0 and of the
 * Nyquist bin ignored), windowed overlap-add and division by the overlap-added squared window.
 *
 * <p>Each frame's real DFT is a JTransforms {@link DoubleFFT_1D} in double precision. n_fft (510, 1534) is
 * not a power of two: JTransforms handles any length (mixed radix, or Bluestein's chirp-z algorithm for other
 * factors) in O(n_fft log n_fft). The plan is built once per instance; it only holds tables filled by its
 * constructor (every transform allocates its own work space), so one {@code Stft} may be used from several
 * threads at once.
 */
public final class Stft {
    private final int nFft;
    private final int hop;
    private final int bins;
    private final double[] window;
    private final DoubleFFT_1D fft;

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
        this.fft = new DoubleFFT_1D(nFft);
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
            fft.realForward(f);
            // packed layout for even n: f[0] = Re X_0, f[1] = Re X_{n/2}, then (Re X_k, Im X_k) pairs;
            // X_k = sum_n f_n e^{-2 pi i k n / N}, as torch.stft (bins 0 and n/2 are real)
            re[m] = (float) f[0];
            re[half * frames + m] = (float) f[1];
            for (int k = 1; k < half; k++) {
                re[k * frames + m] = (float) f[2 * k];
                im[k * frames + m] = (float) f[2 * k + 1];
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
        float[] re = spec.re();
        float[] im = spec.im();
        int half = nFft / 2;
        for (int m = 0; m < frames; m++) {
            // Hermitian inverse real DFT (C2R, as torch.istft): the imaginary parts of bins 0 and n/2 are not
            // part of the packed layout, hence ignored; realInverse(.., true) applies the 1/n scaling
            frame[0] = re[m];
            frame[1] = re[half * frames + m];
            for (int k = 1; k < half; k++) {
                frame[2 * k] = re[k * frames + m];
                frame[2 * k + 1] = im[k * frames + m];
            }
            fft.realInverse(frame, true);
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
