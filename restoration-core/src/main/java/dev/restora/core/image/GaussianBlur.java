package dev.restora.core.image;

/**
 * Separable Gaussian blur of a single-channel plane (row-major, {@code w x h}) with edge clamping; the kernel has
 * radius {@code max(1, ceil(3 sigma))} and sums to 1. The row and column passes are exposed one output row at a time
 * so a caller can spread them over threads.
 */
public final class GaussianBlur {
    private GaussianBlur() {
    }

    /** The normalised kernel, {@code 2r + 1} taps. */
    public static float[] kernel(float sigma) {
        int r = Math.max(1, (int) Math.ceil(3 * sigma));
        float[] k = new float[2 * r + 1];
        float sum = 0;
        for (int i = -r; i <= r; i++) {
            k[i + r] = (float) Math.exp(-i * i / (2.0 * sigma * sigma));
            sum += k[i + r];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        return k;
    }

    /** Horizontal pass for one row: {@code dst[row, :] = k * src[row, :]}. */
    public static void rowPass(float[] src, float[] dst, int w, int row, float[] k) {
        int r = k.length / 2;
        int off = row * w;
        for (int x = 0; x < w; x++) {
            float acc = 0;
            for (int j = -r; j <= r; j++) {
                acc += k[j + r] * src[off + Math.min(w - 1, Math.max(0, x + j))];
            }
            dst[off + x] = acc;
        }
    }

    /** Vertical pass for one output row: {@code dst[row, :] = k * src[:, x]} around {@code row}. */
    public static void columnPass(float[] src, float[] dst, int w, int h, int row, float[] k) {
        int r = k.length / 2;
        int off = row * w;
        for (int x = 0; x < w; x++) {
            float acc = 0;
            for (int j = -r; j <= r; j++) {
                acc += k[j + r] * src[Math.min(h - 1, Math.max(0, row + j)) * w + x];
            }
            dst[off + x] = acc;
        }
    }

    /** The whole blur on the calling thread. */
    public static float[] blur(float[] src, int w, int h, float sigma) {
        float[] k = kernel(sigma);
        float[] tmp = new float[w * h];
        float[] out = new float[w * h];
        for (int y = 0; y < h; y++) {
            rowPass(src, tmp, w, y, k);
        }
        for (int y = 0; y < h; y++) {
            columnPass(tmp, out, w, h, y, k);
        }
        return out;
    }
}
