package dev.restora.audio;

/**
 * Band-limited sample-rate conversion by a polyphase windowed-sinc filter with a Kaiser window
 * (J. F. Kaiser, "Nonrecursive digital filter design using the I0-sinh window function", 1974;
 * J. O. Smith, "Digital Audio Resampling", ccrma.stanford.edu/~jos/resample).
 *
 * <p>Output sample {@code k} is the band-limited input evaluated at input time {@code t = k * in / out}
 * (in input samples), so the conversion has <b>zero group delay</b>: sample 0 of the output lies on sample 0 of
 * the input, and a feature at input time {@code t} appears at output time {@code t * out / in}. The output of a
 * clip of {@code n} frames has exactly {@code round(n * out / in)} frames. The signal is taken as zero outside the
 * clip.
 *
 * <p>The ratio {@code out/in} is reduced to {@code L/M}; output times fall on {@code L} fractional positions, one
 * filter phase each, precomputed when there are at most {@value #MAX_TABLE_PHASES} of them. For other ratios
 * (say 44101 to 48000 Hz) the kernel is read from a table sampled {@value #OVERSAMPLE} times per input sample
 * with linear interpolation (error below -150 dB).
 *
 * <p>Design (defaults): cutoff at 95 % of the lower Nyquist frequency, transition band 90 %..100 %, stopband
 * attenuation 120 dB. Passband ripple is then below 10^-5 dB and everything above the lower Nyquist frequency
 * is at least 120 dB down, so no alias lands in 0..90 % of the band. Each phase is normalised to unit DC gain.
 * Instances are immutable and thread-safe.
 */
public final class Resampler {
    static final int MAX_TABLE_PHASES = 4096;
    static final int OVERSAMPLE = 4096;

    /** Default stopband attenuation in dB. */
    public static final double DEFAULT_STOPBAND_DB = 120.0;
    /** Default passband edge as a fraction of the lower Nyquist frequency; the stopband starts at 1.0. */
    public static final double DEFAULT_PASSBAND = 0.90;

    private final int inRate;
    private final int outRate;
    private final int up;     // L
    private final int down;   // M
    /** Kernel support: taps cover input offsets -halfTaps+1 .. halfTaps around floor(t). */
    private final int halfTaps;
    private final double halfWidth;
    private final double cutoff;   // cycles per input sample (6 dB point)
    private final double beta;
    private final double i0Beta;
    /** [phase][tap] when up <= MAX_TABLE_PHASES, else null. */
    private final double[][] phases;
    /** Dense kernel h(d) for d = i / OVERSAMPLE, d in [0, halfWidth], used when phases == null. */
    private final double[] dense;

    public Resampler(int inRate, int outRate) {
        this(inRate, outRate, DEFAULT_STOPBAND_DB, DEFAULT_PASSBAND);
    }

    /**
     * @param stopbandDb stopband attenuation in dB (for example 120)
     * @param passband   passband edge as a fraction of the lower Nyquist frequency, in (0.5, 0.99]
     */
    public Resampler(int inRate, int outRate, double stopbandDb, double passband) {
        if (inRate <= 0 || outRate <= 0) {
            throw new IllegalArgumentException("sample rates must be positive: " + inRate + " -> " + outRate);
        }
        if (!(passband > 0.5 && passband <= 0.99) || !(stopbandDb >= 40 && stopbandDb <= 200)) {
            throw new IllegalArgumentException("passband must be in (0.5, 0.99] and stopband in [40, 200] dB");
        }
        this.inRate = inRate;
        this.outRate = outRate;
        int g = gcd(inRate, outRate);
        this.up = outRate / g;
        this.down = inRate / g;
        // Frequencies in cycles per input sample.
        double nyquistLow = 0.5 * Math.min(1.0, (double) outRate / inRate);
        double fPass = passband * nyquistLow;
        double fStop = nyquistLow;
        this.cutoff = 0.5 * (fPass + fStop);
        double dOmega = 2 * Math.PI * (fStop - fPass);
        // Kaiser's design formulas (Oppenheim & Schafer, eq. 7.62-7.63).
        this.beta = stopbandDb > 50 ? 0.1102 * (stopbandDb - 8.7)
                : 0.5842 * Math.pow(stopbandDb - 21, 0.4) + 0.07886 * (stopbandDb - 21);
        int order = (int) Math.ceil((stopbandDb - 7.95) / (2.285 * dOmega));
        this.halfWidth = order / 2.0;
        this.halfTaps = (int) Math.floor(halfWidth) + 1;
        this.i0Beta = besselI0(beta);
        if (up == down) {
            phases = null;
            dense = null;
        } else if (up <= MAX_TABLE_PHASES) {
            phases = new double[up][2 * halfTaps];
            for (int p = 0; p < up; p++) {
                double frac = p / (double) up;
                double sum = 0;
                for (int j = 0; j < 2 * halfTaps; j++) {
                    // tap j multiplies x[base - halfTaps + 1 + j]; offset d = t - n
                    double d = frac + halfTaps - 1 - j;
                    double h = kernel(d);
                    phases[p][j] = h;
                    sum += h;
                }
                for (int j = 0; j < 2 * halfTaps; j++) {
                    phases[p][j] /= sum;
                }
            }
            dense = null;
        } else {
            phases = null;
            int len = (int) Math.ceil(halfWidth * OVERSAMPLE) + 2;
            dense = new double[len];
            for (int i = 0; i < len; i++) {
                dense[i] = kernel(i / (double) OVERSAMPLE);
            }
        }
    }

    /** Resamples every channel of {@code clip} to {@code outRate}; returns the clip itself when the rate matches. */
    public static AudioClip resample(AudioClip clip, int outRate) {
        if (clip.sampleRate() == outRate) {
            return clip;
        }
        Resampler r = new Resampler(clip.sampleRate(), outRate);
        float[][] out = new float[clip.channelCount()][];
        for (int c = 0; c < out.length; c++) {
            out[c] = r.process(clip.channels()[c]);
        }
        return new AudioClip(out, outRate, clip.sourceBits());
    }

    public int inRate() {
        return inRate;
    }

    public int outRate() {
        return outRate;
    }

    /** Filter length in input samples (the number of taps per output sample). */
    public int taps() {
        return 2 * halfTaps;
    }

    /** Output length for {@code n} input frames: {@code round(n * out / in)}, halves rounded up. */
    public long outputLength(long n) {
        return (n * up * 2 + down) / (2L * down);
    }

    /** Resamples one channel. */
    public float[] process(float[] x) {
        if (up == down) {
            return x.clone();
        }
        long outLenL = outputLength(x.length);
        if (outLenL > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("resampled signal would be too long: " + outLenL + " samples");
        }
        int outLen = (int) outLenL;
        float[] y = new float[outLen];
        int n = x.length;
        int taps = 2 * halfTaps;
        double[] scratch = phases == null ? new double[taps] : null;
        for (int k = 0; k < outLen; k++) {
            long pos = (long) k * down;
            int base = (int) (pos / up);
            int phase = (int) (pos % up);
            double[] h;
            if (phases != null) {
                h = phases[phase];
            } else {
                h = scratch;
                fillInterpolated(phase / (double) up, h);
            }
            int first = base - halfTaps + 1;
            double acc = 0;
            if (first >= 0 && first + taps <= n) {
                acc = dot(h, x, first, taps);
            } else {
                int jFrom = Math.max(0, -first);
                int jTo = Math.min(taps, n - first);
                for (int j = jFrom; j < jTo; j++) {
                    acc += h[j] * x[first + j];
                }
            }
            y[k] = (float) acc;
        }
        return y;
    }

    /** Filter taps for output {@code k}: the phase table, or {@code scratch} filled by interpolation. */
    private double[] tapsFor(long k, double[] scratch) {
        int phase = (int) (k * down % up);
        if (phases != null) {
            return phases[phase];
        }
        fillInterpolated(phase / (double) up, scratch);
        return scratch;
    }

    /**
     * Incremental resampling of one long signal, in pieces of any size: the concatenated outputs of
     * {@link #push} and {@link #finish} equal {@link #process} of the whole signal, sample for sample. Output
     * {@code k} needs the input up to about {@code taps()/2} samples past its time, so it is produced once that
     * input has arrived; {@link #finish} treats the rest as zeros. Not thread-safe.
     */
    public Stream stream() {
        return new Stream();
    }

    /** See {@link #stream()}. */
    public final class Stream {
        private float[] buf = new float[4096];
        private long bufStart;   // absolute input index of buf[0]
        private int bufLen;
        private long received;
        private long next;       // next output index
        private boolean finished;
        private final double[] scratch = new double[2 * halfTaps];

        private Stream() {
        }

        /** Takes the next {@code x} samples and returns the outputs that became computable (maybe none). */
        public float[] push(float[] x) {
            if (finished) {
                throw new IllegalStateException("stream already finished");
            }
            append(x);
            received += x.length;
            // output k is complete once input base(k) + halfTaps has arrived
            long limit = up == down ? received : lastComplete();
            return emit(limit);
        }

        /** Ends the signal and returns the remaining outputs, for a total of {@code outputLength(n)}. */
        public float[] finish() {
            if (finished) {
                throw new IllegalStateException("stream already finished");
            }
            finished = true;
            return emit(outputLength(received));
        }

        /** The number of outputs whose taps all lie on input already received. */
        private long lastComplete() {
            // output k reads inputs up to floor(k*down/up) + halfTaps, so it is complete when
            // k*down < (received - halfTaps) * up
            long room = received - halfTaps;
            if (room <= 0) {
                return 0;
            }
            long count = (room * up + down - 1) / down;
            return Math.min(count, outputLength(received));
        }

        private float[] emit(long limit) {
            int count = (int) Math.max(0, limit - next);
            float[] y = new float[count];
            for (int i = 0; i < count; i++, next++) {
                if (up == down) {
                    y[i] = at(next);
                    continue;
                }
                long base = next * down / up;
                double[] h = tapsFor(next, scratch);
                long first = base - halfTaps + 1;
                double acc = 0;
                for (int j = 0; j < h.length; j++) {
                    acc += h[j] * at(first + j);
                }
                y[i] = (float) acc;
            }
            discardBefore(up == down ? next : next * down / up - halfTaps + 1);
            return y;
        }

        private float at(long i) {
            if (i < 0 || i >= received) {
                return 0f;
            }
            return buf[(int) (i - bufStart)];
        }

        private void append(float[] x) {
            if (bufLen + x.length > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, bufLen + x.length));
            }
            System.arraycopy(x, 0, buf, bufLen, x.length);
            bufLen += x.length;
        }

        private void discardBefore(long index) {
            int drop = (int) Math.max(0, Math.min(bufLen, index - bufStart));
            if (drop > 0) {
                System.arraycopy(buf, drop, buf, 0, bufLen - drop);
                bufLen -= drop;
                bufStart += drop;
            }
        }
    }

    /** The dot product of the taps with {@code x[first..]}, with four partial sums (taps is even). */
    private static double dot(double[] h, float[] x, int first, int taps) {
        double a0 = 0;
        double a1 = 0;
        double a2 = 0;
        double a3 = 0;
        int j = 0;
        for (; j + 3 < taps; j += 4) {
            a0 += h[j] * x[first + j];
            a1 += h[j + 1] * x[first + j + 1];
            a2 += h[j + 2] * x[first + j + 2];
            a3 += h[j + 3] * x[first + j + 3];
        }
        for (; j < taps; j++) {
            a0 += h[j] * x[first + j];
        }
        return (a0 + a1) + (a2 + a3);
    }

    private void fillInterpolated(double frac, double[] h) {
        double sum = 0;
        for (int j = 0; j < h.length; j++) {
            double d = Math.abs(frac + halfTaps - 1 - j);
            double v;
            if (d >= halfWidth) {
                v = 0;
            } else {
                double idx = d * OVERSAMPLE;
                int i = (int) idx;
                double f = idx - i;
                v = dense[i] + f * (dense[i + 1] - dense[i]);
            }
            h[j] = v;
            sum += v;
        }
        for (int j = 0; j < h.length; j++) {
            h[j] /= sum;
        }
    }

    /** The continuous windowed-sinc kernel at offset {@code d} input samples. */
    private double kernel(double d) {
        double ad = Math.abs(d);
        if (ad >= halfWidth) {
            return 0;
        }
        double x = 2 * cutoff * d;
        double sinc = x == 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
        double r = d / halfWidth;
        double w = besselI0(beta * Math.sqrt(1 - r * r)) / i0Beta;
        return 2 * cutoff * sinc * w;
    }

    /** Modified Bessel function of the first kind, order 0, by its power series. */
    static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        double q = x * x / 4;
        for (int k = 1; k < 500; k++) {
            term *= q / ((double) k * k);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return sum;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
