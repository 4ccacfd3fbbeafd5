package dev.restora.sgmse.signal;

import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Bench command, not a test: prints forward/inverse STFT times on 60 s of noise at 16 kHz (n_fft 510, hop 128)
 * and 48 kHz (n_fft 1534, hop 384).
 * <pre>
 * mvn -o -q -B -pl plugins/sgmse -am test -Dtest=StftBench -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Drestora.bench.stft=true
 * </pre>
 * Skipped unless {@code restora.bench.stft} is set.
 */
class StftBench {
    @Test
    void sixtySeconds() {
        Assumptions.assumeTrue(Boolean.getBoolean("restora.bench.stft"), "set -Drestora.bench.stft=true to run");
        int[][] configs = {{16000, 510, 128}, {48000, 1534, 384}};
        for (int[] c : configs) {
            float[] x = new float[60 * c[0]];
            Random r = new Random(1);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (0.3 * r.nextGaussian());
            }
            Stft stft = new Stft(c[1], c[2], WindowType.parse("hann"));
            for (int run = 1; run <= 3; run++) {
                long t0 = System.nanoTime();
                ComplexSpectrogram s = stft.forward(x);
                long t1 = System.nanoTime();
                float[] y = stft.inverse(s, x.length);
                long t2 = System.nanoTime();
                double err = 0;
                for (int i = 0; i < x.length; i++) {
                    err = Math.max(err, Math.abs(x[i] - y[i]));
                }
                System.out.printf("stft bench %d Hz n_fft %d hop %d, 60 s, run %d: forward %.3f s, inverse %.3f s, "
                        + "round trip max|err| %.2e%n", c[0], c[1], c[2], run, (t1 - t0) / 1e9, (t2 - t1) / 1e9, err);
            }
        }
    }
}
