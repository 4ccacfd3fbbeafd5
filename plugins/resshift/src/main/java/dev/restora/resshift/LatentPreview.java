package dev.restora.resshift;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.restora.core.diffusion.PreviewFrame;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.image.ImageOps;

/**
 * The cheap per-step preview of a latent without the decoder: an affine map from the latent channels (3 for f4,
 * 8 for f8) to RGB, fitted by least squares per tile on (z_y, the LQ image pooled to the latent grid) at the start
 * of the run. z_y is the encoding of the LQ itself, so the map recovers its colours; applied to x̂0 it shows the
 * prediction at latent resolution.
 */
final class LatentPreview {
    private final int channels;
    /** (channels + 1) x 3, row-major; the last row is the offset. */
    private final double[] map;

    private LatentPreview(int channels, double[] map) {
        this.channels = channels;
        this.map = map;
    }

    /**
     * @param zY   1 x C x h x w latent of the LQ
     * @param lq01 1 x 3 x h·p x w·p LQ image in [0, 1] on the same area (p = pool factor)
     */
    static LatentPreview fit(NDArray zY, NDArray lq01, int pool) {
        int c = (int) zY.getShape().get(1);
        int h = (int) zY.getShape().get(2);
        int w = (int) zY.getShape().get(3);
        NDArray target = lq01;
        if (pool > 1) {
            target = lq01.reshape(1, 3, h, pool, w, pool).mean(new int[] {3, 5});
        }
        float[] z = zY.toType(DataType.FLOAT32, false).toFloatArray();
        float[] y = target.toType(DataType.FLOAT32, false).toFloatArray();
        int n = h * w;
        int k = c + 1;
        double[] a = new double[k * k];
        double[] b = new double[k * 3];
        double[] row = new double[k];
        for (int p = 0; p < n; p++) {
            for (int i = 0; i < c; i++) {
                row[i] = z[i * n + p];
            }
            row[c] = 1;
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    a[i * k + j] += row[i] * row[j];
                }
                for (int j = 0; j < 3; j++) {
                    b[i * 3 + j] += row[i] * y[j * n + p];
                }
            }
        }
        for (int i = 0; i < k; i++) {
            a[i * k + i] += 1e-6 * n + 1e-9; // ridge: keeps a flat tile solvable
        }
        return new LatentPreview(c, solve(a, b, k, 3));
    }

    /** Gaussian elimination with partial pivoting for A X = B (A k x k, B k x m). */
    private static double[] solve(double[] a, double[] b, int k, int m) {
        for (int col = 0; col < k; col++) {
            int piv = col;
            for (int r = col + 1; r < k; r++) {
                if (Math.abs(a[r * k + col]) > Math.abs(a[piv * k + col])) {
                    piv = r;
                }
            }
            if (piv != col) {
                for (int j = 0; j < k; j++) {
                    double t = a[col * k + j];
                    a[col * k + j] = a[piv * k + j];
                    a[piv * k + j] = t;
                }
                for (int j = 0; j < m; j++) {
                    double t = b[col * m + j];
                    b[col * m + j] = b[piv * m + j];
                    b[piv * m + j] = t;
                }
            }
            double d = a[col * k + col];
            for (int r = 0; r < k; r++) {
                if (r == col || d == 0) {
                    continue;
                }
                double f = a[r * k + col] / d;
                for (int j = 0; j < k; j++) {
                    a[r * k + j] -= f * a[col * k + j];
                }
                for (int j = 0; j < m; j++) {
                    b[r * m + j] -= f * b[col * m + j];
                }
            }
        }
        double[] x = new double[k * m];
        for (int i = 0; i < k; i++) {
            double d = a[i * k + i];
            for (int j = 0; j < m; j++) {
                x[i * m + j] = d == 0 ? 0 : b[i * m + j] / d;
            }
        }
        return x;
    }

    /** Renders the top-left {@code cropH x cropW} of a 1 x C x h x w latent as an RGB preview. */
    PreviewFrame.Image render(NDArray latent, String label, int cropH, int cropW) {
        int h = (int) latent.getShape().get(2);
        int w = (int) latent.getShape().get(3);
        float[] z = latent.toType(DataType.FLOAT32, false).toFloatArray();
        int n = h * w;
        int oh = Math.min(cropH, h);
        int ow = Math.min(cropW, w);
        int[] argb = new int[oh * ow];
        for (int yy = 0; yy < oh; yy++) {
            for (int xx = 0; xx < ow; xx++) {
                int p = yy * w + xx;
                int px = 0xff000000;
                for (int j = 0; j < 3; j++) {
                    double v = map[channels * 3 + j];
                    for (int i = 0; i < channels; i++) {
                        v += z[i * n + p] * map[i * 3 + j];
                    }
                    int q = (int) Math.round(Math.max(0, Math.min(1, v)) * 255);
                    px |= q << (16 - 8 * j);
                }
                argb[yy * ow + xx] = px;
            }
        }
        return new PreviewFrame.Image(label, ow, oh, argb);
    }

    /** An RGB preview of a 1 x 3 x H x W image in [-1, 1]. */
    static PreviewFrame.Image image(NDArray img, String label) {
        int h = (int) img.getShape().get(2);
        int w = (int) img.getShape().get(3);
        float[] rgb01 = img.toType(DataType.FLOAT32, false).mul(0.5f).add(0.5f).toFloatArray();
        return new PreviewFrame.Image(label, w, h, ImageOps.toArgb(ImageBuffer.rgb(w, h, rgb01)));
    }
}
