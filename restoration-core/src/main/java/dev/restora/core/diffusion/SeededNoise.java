package dev.restora.core.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * Reproducible Gaussian noise from a seed, drawn in Java so that a seed gives the same result on every device,
 * engine version and thread (the engine's global generator would not). Polar Box–Muller on a SplittableRandom.
 */
public final class SeededNoise implements NoiseSource {
    private final SplittableRandom random;
    private final long seed;

    public SeededNoise(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    public long seed() {
        return seed;
    }

    /**
     * A fresh seed for a run whose user chose none: non-negative and below 2^31, short enough to type back in. The
     * one place seeds are picked (command line, batch, studio).
     */
    public static long randomSeed() {
        return randomSeed(new java.security.SecureRandom());
    }

    /** {@link #randomSeed()} from a given generator (the studio's dice; tests). */
    public static long randomSeed(java.util.Random random) {
        return random.nextInt(Integer.MAX_VALUE);
    }

    /** An independent stream for sub-task {@code index} (a tile, a channel), the same whatever order they run in. */
    public SeededNoise fork(long index) {
        return new SeededNoise(new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (index + 1))).nextLong());
    }

    @Override
    public NDArray normal(NDManager manager, Shape shape) {
        long n = shape.size();
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("noise too large: " + shape);
        }
        float[] out = new float[(int) n];
        int i = 0;
        while (i < out.length) {
            double u;
            double v;
            double s;
            do {
                u = 2 * random.nextDouble() - 1;
                v = 2 * random.nextDouble() - 1;
                s = u * u + v * v;
            } while (s >= 1 || s == 0);
            double m = Math.sqrt(-2 * Math.log(s) / s);
            out[i++] = (float) (u * m);
            if (i < out.length) {
                out[i++] = (float) (v * m);
            }
        }
        return manager.create(out, shape);
    }
}
