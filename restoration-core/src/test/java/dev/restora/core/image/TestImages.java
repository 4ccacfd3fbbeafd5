package dev.restora.core.image;

import java.nio.file.Files;
import java.nio.file.Path;

/** Small synthetic buffers for codec tests. */
final class TestImages {
    private TestImages() {
    }

    /** A smooth RGB gradient with a distinct value per pixel and channel, values in [0, 1]. */
    static float[] gradient(int w, int h) {
        int plane = w * h;
        float[] rgb = new float[3 * plane];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                rgb[i] = (x + 0.5f) / w;
                rgb[plane + i] = (y + 0.5f) / h;
                rgb[2 * plane + i] = (float) (0.5 + 0.45 * Math.sin(0.37 * x + 0.23 * y));
            }
        }
        return rgb;
    }

    /** A low-frequency colour image (JPEG chroma subsampling barely touches it). */
    static float[] smooth(int w, int h) {
        int plane = w * h;
        float[] rgb = new float[3 * plane];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                rgb[i] = 0.1f + 0.8f * x / w;
                rgb[plane + i] = 0.2f + 0.6f * y / h;
                rgb[2 * plane + i] = (float) (0.5 + 0.3 * Math.sin(0.05 * x + 0.04 * y));
            }
        }
        return rgb;
    }

    static float[] greyPlanes(int w, int h) {
        int plane = w * h;
        float[] rgb = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            float v = (i * 37 % 1000) / 999f;
            rgb[i] = v;
            rgb[plane + i] = v;
            rgb[2 * plane + i] = v;
        }
        return rgb;
    }

    static float[] alphaRamp(int w, int h) {
        float[] a = new float[w * h];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % w) / (float) (w - 1);
        }
        return a;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    static Path tmpDir(String name) throws java.io.IOException {
        Path base = Path.of(System.getProperty("restora.test.tmp", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(base);
        return Files.createTempDirectory(base, name);
    }
}
