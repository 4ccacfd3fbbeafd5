package dev.restora.sgmse.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The FFT-based STFT against the textbook definitions (spec §1), evaluated here directly in O(n²) double precision:
 * X_m[k] = Σ_n x_pad[m·hop + n] w[n] e^{−2πi·k·n/N} and the Hermitian inverse real DFT with windowed overlap-add.
 * Sizes cover the released n_fft values (510 = 2·3·5·17, 1534 = 2·13·59, neither a power of two) and a power of two.
 */
class StftTest {
    private static final int[][] SIZES = {{510, 128}, {1534, 384}, {512, 128}, {30, 7}};

    @Test
    void forwardMatchesTheDirectDft() {
        for (int[] size : SIZES) {
            int n = size[0];
            int hop = size[1];
            float[] x = noise(3 * n + 11, n);
            Stft stft = new Stft(n, hop, WindowType.parse("hann"));
            ComplexSpectrogram s = stft.forward(x);
            double[] w = window(n);
            int frames = s.frames();
            assertEquals(1 + x.length / hop, frames);
            double scale = 0;
            double worst = 0;
            for (int m = 0; m < frames; m++) {
                for (int k = 0; k <= n / 2; k++) {
                    double re = 0;
                    double im = 0;
                    for (int j = 0; j < n; j++) {
                        double v = x[reflect(m * hop - n / 2 + j, x.length)] * w[j];
                        double a = 2 * Math.PI * ((long) k * j % n) / n;
                        re += v * Math.cos(a);
                        im -= v * Math.sin(a);
                    }
                    scale = Math.max(scale, Math.hypot(re, im));
                    worst = Math.max(worst, Math.abs(re - s.re()[k * frames + m]));
                    worst = Math.max(worst, Math.abs(im - s.im()[k * frames + m]));
                }
            }
            assertTrue(worst <= 1e-6 * scale, "n_fft " + n + ": max|diff| " + worst + " of max |X| " + scale);
        }
    }

    @Test
    void inverseMatchesTheHermitianInverseDftWithOverlapAdd() {
        for (int[] size : SIZES) {
            int n = size[0];
            int hop = size[1];
            int bins = n / 2 + 1;
            int frames = 6;
            Random r = new Random(n);
            float[] re = new float[bins * frames];
            float[] im = new float[bins * frames];
            for (int i = 0; i < re.length; i++) {
                re[i] = (float) r.nextGaussian();
                im[i] = (float) r.nextGaussian(); // bins 0 and n/2 included: their imaginary parts are ignored
            }
            Stft stft = new Stft(n, hop, WindowType.parse("hann"));
            int length = hop * (frames - 1);
            float[] y = stft.inverse(new ComplexSpectrogram(bins, frames, re, im), length);
            double[] w = window(n);
            double[] signal = new double[n + hop * (frames - 1)];
            double[] envelope = new double[signal.length];
            for (int m = 0; m < frames; m++) {
                for (int j = 0; j < n; j++) {
                    double v = 0;
                    for (int k = 0; k < bins; k++) {
                        double a = 2 * Math.PI * ((long) k * j % n) / n;
                        boolean edge = k == 0 || k == n / 2;
                        v += (edge ? 1.0 : 2.0) / n * (re[k * frames + m] * Math.cos(a)
                                - (edge ? 0 : im[k * frames + m] * Math.sin(a)));
                    }
                    signal[m * hop + j] += v * w[j];
                    envelope[m * hop + j] += w[j] * w[j];
                }
            }
            double worst = 0;
            double scale = 0;
            for (int i = 0; i < length; i++) {
                double expected = signal[n / 2 + i] / envelope[n / 2 + i];
                scale = Math.max(scale, Math.abs(expected));
                worst = Math.max(worst, Math.abs(expected - y[i]));
            }
            assertTrue(worst <= 1e-6 * scale, "n_fft " + n + ": max|diff| " + worst + " of max |y| " + scale);
        }
    }

    @Test
    void roundTripRestoresTheSignal() {
        for (int[] size : SIZES) {
            float[] x = noise(5 * size[0] + 3, size[0] + 1);
            Stft stft = new Stft(size[0], size[1], WindowType.parse("hann"));
            float[] y = stft.inverse(stft.forward(x), x.length);
            for (int i = 0; i < x.length; i++) {
                assertEquals(x[i], y[i], 1e-5, "n_fft " + size[0] + " sample " + i);
            }
        }
    }

    private static float[] noise(int length, long seed) {
        Random r = new Random(seed);
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    private static double[] window(int n) {
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / n); // periodic Hann, torch.hann_window default
        }
        return w;
    }

    private static int reflect(int i, int length) {
        return i < 0 ? -i : i >= length ? 2 * (length - 1) - i : i;
    }
}
