package dev.restora.resshift.unet;

/**
 * The shifted-window attention mask exactly as the official ResShift Swin computes it (spec §3.4, T6), which is
 * NOT the standard Swin mask: the official code labels its mask image on the wrong axes and flattens the windows
 * transposed. As a result only the windows of the bottom window-row are masked, and inside them tokens are split
 * by column-in-window: with {@code g(p) = (p mod ws) < ws - shift}, {@code mask[w,i,j] = -100} when
 * {@code g(i) != g(j)}, else 0. It is always rebuilt for the runtime feature size.
 */
public final class ShiftedWindowMask {
    /** The fill value of masked pairs (not -inf). */
    public static final float MASKED = -100f;

    private ShiftedWindowMask() {
    }

    /**
     * The mask for an H x W feature map as a row-major float array of shape (nW, ws*ws, ws*ws), windows ordered
     * (window-row, window-col).
     */
    public static float[] compute(int height, int width, int window, int shift) {
        if (height % window != 0 || width % window != 0) {
            throw new IllegalArgumentException("feature size " + height + "x" + width
                    + " is not a multiple of the window " + window);
        }
        int rows = height / window;
        int cols = width / window;
        int n = window * window;
        float[] mask = new float[rows * cols * n * n];
        int firstMasked = (rows - 1) * cols;
        for (int w = firstMasked; w < rows * cols; w++) {
            int base = w * n * n;
            for (int i = 0; i < n; i++) {
                boolean gi = i % window < window - shift;
                for (int j = 0; j < n; j++) {
                    boolean gj = j % window < window - shift;
                    if (gi != gj) {
                        mask[base + i * n + j] = MASKED;
                    }
                }
            }
        }
        return mask;
    }
}
