package dev.restora.audio.metrics;

import dev.restora.audio.Resampler;
import java.util.ArrayList;
import java.util.List;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Short-Time Objective Intelligibility (C. H. Taal, R. C. Hendriks, R. Heusdens, J. Jensen, "An algorithm for
 * intelligibility prediction of time-frequency weighted noisy speech", IEEE TASLP 19(7), 2011): both signals at
 * 10 kHz, silent frames (40 dB below the loudest clean frame) removed, 256-sample Hann frames with 50 % overlap
 * and a 512-point FFT, 15 one-third-octave bands from 150 Hz, 30-frame (384 ms) segments, the processed envelope
 * scaled to the clean one and clipped at β = -15 dB signal-to-distortion, then the mean correlation of the band
 * envelopes. The layout (frame ranges, band edges by nearest bin) follows the reference implementation's
 * conventions. Values are in [-1, 1], about 1 for a perfect estimate. Resampling to 10 kHz uses
 * {@link Resampler}, not the reference's filter, so values may differ from it in the third decimal.
 */
public final class Stoi {
    static final int FS = 10000;
    static final int FRAME = 256;
    static final int NFFT = 512;
    static final int BANDS = 15;
    static final double MIN_FREQ = 150;
    static final int SEGMENT = 30;
    static final double BETA_DB = -15;
    static final double DYN_RANGE_DB = 40;
    private static final double EPS = Math.ulp(1.0);

    private Stoi() {
    }

    /** STOI of {@code processed} against {@code clean}, both at {@code sampleRate}, same length. */
    public static double compute(float[] clean, float[] processed, int sampleRate) {
        if (clean.length != processed.length) {
            throw new IllegalArgumentException("clean and processed differ in length: " + clean.length + " vs "
                    + processed.length);
        }
        float[] x = clean;
        float[] y = processed;
        if (sampleRate != FS) {
            Resampler r = new Resampler(sampleRate, FS);
            x = r.process(clean);
            y = r.process(processed);
        }
        double[][] sil = removeSilentFrames(x, y);
        double[][] xTob = thirdOctaveEnvelopes(sil[0]);
        double[][] yTob = thirdOctaveEnvelopes(sil[1]);
        int frames = xTob[0].length;
        if (frames < SEGMENT) {
            throw new IllegalArgumentException("too little speech for STOI: " + frames + " active frames, need "
                    + SEGMENT + " (about 0.4 s)");
        }
        double clip = 1 + Math.pow(10, -BETA_DB / 20);
        double sum = 0;
        int count = 0;
        double[] xs = new double[SEGMENT];
        double[] ys = new double[SEGMENT];
        for (int m = SEGMENT; m <= frames; m++) {
            for (int j = 0; j < BANDS; j++) {
                double nx = 0;
                double ny = 0;
                for (int i = 0; i < SEGMENT; i++) {
                    xs[i] = xTob[j][m - SEGMENT + i];
                    ys[i] = yTob[j][m - SEGMENT + i];
                    nx += xs[i] * xs[i];
                    ny += ys[i] * ys[i];
                }
                double alpha = Math.sqrt(nx) / (Math.sqrt(ny) + EPS);
                for (int i = 0; i < SEGMENT; i++) {
                    ys[i] = Math.min(ys[i] * alpha, xs[i] * clip);
                }
                sum += correlation(xs, ys);
                count++;
            }
        }
        return sum / count;
    }

    private static double correlation(double[] a, double[] b) {
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= a.length;
        mb /= b.length;
        double na = 0;
        double nb = 0;
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            double da = a[i] - ma;
            double db = b[i] - mb;
            na += da * da;
            nb += db * db;
            dot += da * db;
        }
        return dot / ((Math.sqrt(na) + EPS) * (Math.sqrt(nb) + EPS));
    }

    /** The Hann window of length n without its zero end points ({@code hanning(n + 2)[1:-1]}). */
    static double[] window(int n) {
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * (i + 1) / (n + 1));
        }
        return w;
    }

    /** Drops frames more than 40 dB below the loudest clean frame and overlap-adds the rest. */
    static double[][] removeSilentFrames(float[] x, float[] y) {
        int hop = FRAME / 2;
        double[] w = window(FRAME);
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < x.length - FRAME; i += hop) {
            starts.add(i);
        }
        double[] energy = new double[starts.size()];
        double max = Double.NEGATIVE_INFINITY;
        for (int f = 0; f < starts.size(); f++) {
            double e = 0;
            for (int i = 0; i < FRAME; i++) {
                double v = w[i] * x[starts.get(f) + i];
                e += v * v;
            }
            energy[f] = 20 * Math.log10(Math.sqrt(e) + EPS);
            max = Math.max(max, energy[f]);
        }
        List<Integer> kept = new ArrayList<>();
        for (int f = 0; f < starts.size(); f++) {
            if (max - DYN_RANGE_DB - energy[f] < 0) {
                kept.add(starts.get(f));
            }
        }
        int len = kept.isEmpty() ? 0 : (kept.size() - 1) * hop + FRAME;
        double[] xs = new double[len];
        double[] ys = new double[len];
        for (int k = 0; k < kept.size(); k++) {
            int s = kept.get(k);
            for (int i = 0; i < FRAME; i++) {
                xs[k * hop + i] += w[i] * x[s + i];
                ys[k * hop + i] += w[i] * y[s + i];
            }
        }
        return new double[][] {xs, ys};
    }

    /** One-third-octave band envelopes {@code [band][frame]} of a 10 kHz signal. */
    static double[][] thirdOctaveEnvelopes(double[] x) {
        int hop = FRAME / 2;
        double[] w = window(FRAME);
        int[][] edges = bandEdges();
        List<double[]> frames = new ArrayList<>();
        DoubleFFT_1D fft = new DoubleFFT_1D(NFFT);
        for (int s = 0; s < x.length - FRAME; s += hop) {
            double[] buf = new double[NFFT];
            for (int i = 0; i < FRAME; i++) {
                buf[i] = w[i] * x[s + i];
            }
            fft.realForward(buf);
            double[] p = new double[NFFT / 2 + 1];
            p[0] = buf[0] * buf[0];
            p[NFFT / 2] = buf[1] * buf[1];
            for (int k = 1; k < NFFT / 2; k++) {
                p[k] = buf[2 * k] * buf[2 * k] + buf[2 * k + 1] * buf[2 * k + 1];
            }
            double[] band = new double[BANDS];
            for (int j = 0; j < BANDS; j++) {
                double e = 0;
                for (int k = edges[j][0]; k < edges[j][1]; k++) {
                    e += p[k];
                }
                band[j] = Math.sqrt(e);
            }
            frames.add(band);
        }
        double[][] out = new double[BANDS][frames.size()];
        for (int t = 0; t < frames.size(); t++) {
            for (int j = 0; j < BANDS; j++) {
                out[j][t] = frames.get(t)[j];
            }
        }
        return out;
    }

    /** Bin ranges [from, to) of the 15 bands: the bins nearest to 150·2^((2j∓1)/6) Hz. */
    static int[][] bandEdges() {
        int bins = NFFT / 2 + 1;
        int[][] edges = new int[BANDS][2];
        for (int j = 0; j < BANDS; j++) {
            double lo = MIN_FREQ * Math.pow(2, (2.0 * j - 1) / 6);
            double hi = MIN_FREQ * Math.pow(2, (2.0 * j + 1) / 6);
            edges[j][0] = nearestBin(lo, bins);
            edges[j][1] = nearestBin(hi, bins);
        }
        return edges;
    }

    private static int nearestBin(double f, int bins) {
        int best = 0;
        double bestD = Double.MAX_VALUE;
        for (int k = 0; k < bins; k++) {
            double d = Math.abs(k * (double) FS / NFFT - f);
            if (d < bestD) {
                bestD = d;
                best = k;
            }
        }
        return best;
    }
}
