package dev.restora.classic.image;

import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.image.GaussianBlur;

/**
 * Unsharp masking on luma, gated by the local gradient and clamped to the local range so it does not ring.
 *
 * <p>Detail is {@code Y - G_sigma * Y}. The gain is {@code strength * g^2 / (g^2 + k^2)} with g the gradient
 * magnitude of the blurred luma: flat and noisy areas get almost none, edges and texture get the full boost.
 * The boosted luma is clamped to the min..max of its 5x5 neighbourhood in the unsharpened image (plus a small
 * allowance), which removes the halos plain unsharp masking draws along strong edges. The luma change is added to
 * R, G and B alike, so colours do not fringe.
 */
final class EdgeAwareSharpener {
    /** Gradient magnitude at which the gate opens half way (in [0, 1] luma units per pixel). */
    static final float KNEE = 0.015f;
    /** Fraction of the local range the result may overshoot it by. */
    static final float OVERSHOOT = 0.05f;

    private EdgeAwareSharpener() {
    }

    /**
     * Sharpens planar RGB in place.
     *
     * @param sigma    the Gaussian blur radius defining "detail", in output pixels
     * @param strength the detail gain at edges (0 leaves the image unchanged)
     */
    static void apply(float[] rgb, int w, int h, float sigma, float strength, CancellationToken token) {
        if (strength <= 0) {
            return;
        }
        int plane = w * h;
        float[] y = new float[plane];
        for (int i = 0; i < plane; i++) {
            y[i] = 0.299f * rgb[i] + 0.587f * rgb[plane + i] + 0.114f * rgb[2 * plane + i];
        }
        float[] blur = gaussian(y, w, h, sigma, token);
        float[] lo = new float[plane];
        float[] hi = new float[plane];
        localRange(y, w, h, 2, lo, hi, token);
        float k2 = KNEE * KNEE;
        RowBands.forEachRow(h, 32, token, row -> {
            for (int x = 0; x < w; x++) {
                int i = row * w + x;
                float gx = blur[row * w + Math.min(w - 1, x + 1)] - blur[row * w + Math.max(0, x - 1)];
                float gy = blur[Math.min(h - 1, row + 1) * w + x] - blur[Math.max(0, row - 1) * w + x];
                float g2 = 0.25f * (gx * gx + gy * gy);
                float gate = g2 / (g2 + k2);
                float detail = y[i] - blur[i];
                float sharp = y[i] + strength * gate * detail;
                float allowance = OVERSHOOT * (hi[i] - lo[i]);
                sharp = Math.max(lo[i] - allowance, Math.min(hi[i] + allowance, sharp));
                float delta = sharp - y[i];
                for (int c = 0; c < 3; c++) {
                    float v = rgb[c * plane + i] + delta;
                    rgb[c * plane + i] = v > 0f ? (v < 1f ? v : 1f) : 0f;
                }
            }
        });
    }

    /** Separable Gaussian blur with edge clamping ({@link GaussianBlur}), rows spread over threads. */
    static float[] gaussian(float[] src, int w, int h, float sigma, CancellationToken token) {
        float[] k = GaussianBlur.kernel(sigma);
        float[] tmp = new float[w * h];
        float[] out = new float[w * h];
        RowBands.forEachRow(h, 32, token, row -> GaussianBlur.rowPass(src, tmp, w, row, k));
        RowBands.forEachRow(h, 32, token, row -> GaussianBlur.columnPass(tmp, out, w, h, row, k));
        return out;
    }

    /** Min and max over the (2r+1)^2 window, separably. */
    static void localRange(float[] src, int w, int h, int r, float[] lo, float[] hi, CancellationToken token) {
        float[] tlo = new float[w * h];
        float[] thi = new float[w * h];
        RowBands.forEachRow(h, 32, token, row -> {
            int off = row * w;
            for (int x = 0; x < w; x++) {
                float mn = Float.MAX_VALUE;
                float mx = -Float.MAX_VALUE;
                for (int j = Math.max(0, x - r); j <= Math.min(w - 1, x + r); j++) {
                    float v = src[off + j];
                    mn = Math.min(mn, v);
                    mx = Math.max(mx, v);
                }
                tlo[off + x] = mn;
                thi[off + x] = mx;
            }
        });
        RowBands.forEachRow(h, 32, token, row -> {
            for (int x = 0; x < w; x++) {
                float mn = Float.MAX_VALUE;
                float mx = -Float.MAX_VALUE;
                for (int j = Math.max(0, row - r); j <= Math.min(h - 1, row + r); j++) {
                    mn = Math.min(mn, tlo[j * w + x]);
                    mx = Math.max(mx, thi[j * w + x]);
                }
                lo[row * w + x] = mn;
                hi[row * w + x] = mx;
            }
        });
    }
}
