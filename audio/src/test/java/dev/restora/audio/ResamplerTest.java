package dev.restora.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ResamplerTest {

    static float[] sine(double f, double fs, int n, double amp) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (amp * Math.sin(2 * Math.PI * f * i / fs));
        }
        return x;
    }

    @Test
    void outputLengthIsRoundedRatio() {
        int[][] rates = {{44100, 16000}, {16000, 44100}, {48000, 16000}, {16000, 48000}, {44100, 48000}, {44101, 48000}};
        for (int[] r : rates) {
            Resampler rs = new Resampler(r[0], r[1]);
            for (int n : new int[] {0, 1, 2, 3, 7, 441, 1000, 12345}) {
                long expected = Math.round(n * (double) r[1] / r[0]);
                assertEquals(expected, rs.outputLength(n), r[0] + "->" + r[1] + " n=" + n);
                assertEquals(expected, rs.process(new float[n]).length);
            }
        }
    }

    @Test
    void thdPlusNoiseOfSineRoundTrip48to16to48() {
        int fs = 48000;
        float[] x = sine(1000, fs, 2 * fs, 0.5);
        float[] down = new Resampler(48000, 16000).process(x);
        float[] back = new Resampler(16000, 48000).process(down);
        assertEquals(x.length, back.length);
        int trim = fs / 10;
        SineFit fit = SineFit.fit(back, trim, back.length - trim, 1000, fs);
        SineFit mid = SineFit.fit(down, trim / 3, down.length - trim / 3, 1000, 16000);
        System.out.printf("Resampler THD+N 1 kHz 48k->16k: %.1f dB; 48k->16k->48k: %.1f dB; gain %.6f dB%n",
                mid.thdnDb(), fit.thdnDb(), 20 * Math.log10(fit.amplitude / 0.5));
        assertTrue(mid.thdnDb() < -140, "48->16 THD+N " + mid.thdnDb());
        assertTrue(fit.thdnDb() < -130, "round trip THD+N " + fit.thdnDb());
        // zero group delay: the phase of the sine is kept (sample-accurate alignment)
        SineFit ref = SineFit.fit(x, trim, x.length - trim, 1000, fs);
        assertEquals(ref.phase, fit.phase, 1e-5);
    }

    @Test
    void thdPlusNoise44100to16000and16000to44100() {
        float[] x = sine(1000, 44100, 44100, 0.5);
        float[] down = new Resampler(44100, 16000).process(x);
        SineFit d = SineFit.fit(down, 1600, down.length - 1600, 1000, 16000);
        float[] y = sine(997, 16000, 16000, 0.5);
        float[] up = new Resampler(16000, 44100).process(y);
        SineFit u = SineFit.fit(up, 4410, up.length - 4410, 997, 44100);
        System.out.printf("Resampler THD+N 44.1k->16k: %.1f dB; 16k->44.1k: %.1f dB%n", d.thdnDb(), u.thdnDb());
        assertTrue(d.thdnDb() < -135, "44.1->16 THD+N " + d.thdnDb());
        assertTrue(u.thdnDb() < -130, "16->44.1 THD+N " + u.thdnDb());
    }

    @Test
    void passbandRippleIsTiny() {
        Resampler rs = new Resampler(48000, 16000);
        double worst = 0;
        for (double f = 50; f <= 0.9 * 8000; f += 230) {
            float[] y = rs.process(sine(f, 48000, 48000, 0.5));
            SineFit fit = SineFit.fit(y, 1600, y.length - 1600, f, 16000);
            worst = Math.max(worst, Math.abs(20 * Math.log10(fit.amplitude / 0.5)));
        }
        System.out.printf("Resampler 48k->16k passband ripple (50 Hz..7.2 kHz): %.2e dB%n", worst);
        assertTrue(worst < 1e-3, "ripple " + worst + " dB");
    }

    @Test
    void stopbandIsAttenuated() {
        Resampler rs = new Resampler(48000, 16000);
        double worst = -400;
        for (double f = 8000; f <= 23900; f += 370) {
            float[] y = rs.process(sine(f, 48000, 48000, 0.5));
            double e = 0;
            for (int i = 1600; i < y.length - 1600; i++) {
                e += y[i] * (double) y[i];
            }
            double rms = Math.sqrt(e / (y.length - 3200));
            worst = Math.max(worst, 20 * Math.log10(rms / (0.5 / Math.sqrt(2)) + 1e-300));
        }
        System.out.printf("Resampler 48k->16k stopband (8..23.9 kHz) worst leak: %.1f dB%n", worst);
        assertTrue(worst < -118, "stopband leak " + worst + " dB");
    }

    @Test
    void arbitraryRatioMatchesBandLimitedSine() {
        // 44101 -> 48000 has 48000 phases: the interpolated-kernel path
        float[] x = sine(1234.5, 44101, 44101, 0.5);
        float[] y = new Resampler(44101, 48000).process(x);
        SineFit fit = SineFit.fit(y, 4800, y.length - 4800, 1234.5, 48000);
        SineFit ref = SineFit.fit(x, 4410, x.length - 4410, 1234.5, 44101);
        System.out.printf("Resampler THD+N 44101->48000 (interpolated kernel): %.1f dB%n", fit.thdnDb());
        assertTrue(fit.thdnDb() < -125, "THD+N " + fit.thdnDb());
        assertEquals(ref.phase, fit.phase, 1e-5);
        assertEquals(0.5, fit.amplitude, 1e-5);
    }

    @Test
    void impulsePositionIsKept() {
        // a band-limited pulse centred on input sample 3000 at 48 kHz is centred on output sample 1000 at 16 kHz
        int n = 6000;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double t = (i - 3000) / 48000.0;
            x[i] = (float) Math.exp(-t * t / (2 * 0.0005 * 0.0005));
        }
        float[] y = new Resampler(48000, 16000).process(x);
        int peak = 0;
        for (int i = 1; i < y.length; i++) {
            if (y[i] > y[peak]) {
                peak = i;
            }
        }
        assertEquals(1000, peak);
        assertEquals(y[999], y[1001], 1e-6);
    }

    @Test
    void streamingInPiecesEqualsWholeClip() {
        java.util.Random r = new java.util.Random(9);
        int[][] rates = {{48000, 16000}, {16000, 48000}, {44100, 16000}, {44101, 48000}, {22050, 22050}};
        for (int[] rr : rates) {
            Resampler rs = new Resampler(rr[0], rr[1]);
            for (int n : new int[] {0, 1, 100, 5000, 23456}) {
                float[] x = new float[n];
                for (int i = 0; i < n; i++) {
                    x[i] = (float) r.nextGaussian();
                }
                float[] whole = rs.process(x);
                Resampler.Stream st = rs.stream();
                float[] got = new float[whole.length];
                int filled = 0;
                int at = 0;
                while (at < n) {
                    int len = Math.min(n - at, 1 + r.nextInt(3000));
                    float[] y = st.push(java.util.Arrays.copyOfRange(x, at, at + len));
                    System.arraycopy(y, 0, got, filled, y.length);
                    filled += y.length;
                    at += len;
                }
                float[] tail = st.finish();
                assertEquals(whole.length, filled + tail.length, rr[0] + "->" + rr[1] + " n=" + n);
                System.arraycopy(tail, 0, got, filled, tail.length);
                for (int i = 0; i < whole.length; i++) {
                    assertEquals(whole[i], got[i], 1e-6f, rr[0] + "->" + rr[1] + " n=" + n + " at " + i);
                }
            }
        }
    }

    @Test
    void printsThroughput() {
        // a speed figure for the record, not a timed assertion
        float[] x = sine(440, 48000, 10 * 48000, 0.5);
        Resampler down = new Resampler(48000, 16000);
        Resampler up = new Resampler(16000, 48000);
        down.process(x);
        long t0 = System.nanoTime();
        float[] y = down.process(x);
        long t1 = System.nanoTime();
        up.process(y);
        long t2 = System.nanoTime();
        System.out.printf("Resampler speed, 10 s of audio: 48k->16k %.0f ms (%d taps), 16k->48k %.0f ms (%d taps)%n",
                (t1 - t0) / 1e6, down.taps(), (t2 - t1) / 1e6, up.taps());
        assertEquals(160000, y.length);
    }

    @Test
    void clipConvenienceKeepsChannels() {
        AudioClip c = new AudioClip(new float[][] {sine(440, 44100, 4410, 0.3), sine(660, 44100, 4410, 0.3)}, 44100, 24);
        AudioClip r = Resampler.resample(c, 16000);
        assertEquals(2, r.channelCount());
        assertEquals(1600, r.frames());
        assertEquals(16000, r.sampleRate());
        assertEquals(24, r.sourceBits());
        assertSame(c, Resampler.resample(c, 44100));
    }
}
