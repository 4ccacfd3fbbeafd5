package dev.restora.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.diffusion.PreviewFrame;
import org.junit.jupiter.api.Test;

class ImageOpsTest {

    @Test
    void tensorRoundTripIsExactAndPlanar() {
        int w = 7;
        int h = 5;
        float[] rgb = TestImages.gradient(w, h);
        float[] alpha = TestImages.alphaRamp(w, h);
        ImageBuffer img = new ImageBuffer(w, h, rgb, alpha, 16, false, new ImageMetadata(null, new byte[] {1}));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray t = ImageOps.toTensor(m, img);
            assertEquals(new Shape(1, 3, h, w), t.getShape());
            // channel 1 (green), row 2, column 3
            assertEquals(rgb[w * h + 2 * w + 3], t.getFloat(0, 1, 2, 3), 0f);
            ImageBuffer back = ImageOps.fromTensor(t, img);
            assertArrayEquals(rgb, back.rgb());
            assertArrayEquals(alpha, back.alpha());
            assertEquals(16, back.bitDepth());
            assertSame(img.metadata(), back.metadata());
        }
    }

    @Test
    void fromTensorClampsResizesAlphaAndAcceptsGrey() {
        ImageBuffer src = new ImageBuffer(4, 4, new float[48], filled(16, 1f), 8, true, ImageMetadata.NONE);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray t = m.create(new float[] {-1f, 0.5f, 2f, Float.NaN, 0.25f, 0.75f, 1f, 0f}, new Shape(1, 1, 2, 4));
            NDArray big = t.repeat(2, 4).repeat(3, 4);
            ImageBuffer out = ImageOps.fromTensor(big, src);
            assertEquals(16, out.width());
            assertEquals(8, out.height());
            assertEquals(0f, out.rgb()[0]);
            assertEquals(1f, out.rgb()[8], 0f);
            assertEquals(0f, out.rgb()[12], 0f, "NaN becomes 0");
            assertEquals(out.rgb()[5], out.rgb()[128 + 5], 0f, "one channel fills R, G and B");
            assertEquals(128, out.alpha().length);
            for (float a : out.alpha()) {
                assertEquals(1f, a, 1e-6f);
            }
            ImageBuffer plain = ImageOps.fromTensor(m.zeros(new Shape(3, 2, 2)), null);
            assertNull(plain.alpha());
            assertThrows(IllegalArgumentException.class, () -> ImageOps.fromTensor(m.zeros(new Shape(2, 3, 2, 2)), src));
            assertThrows(IllegalArgumentException.class, () -> ImageOps.fromTensor(m.zeros(new Shape(1, 2, 2, 2)), src));
        }
    }

    static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void resamplingKeepsConstantsAndStaysInRange() {
        float[] c = filled(10 * 6, 0.3f);
        for (Resampler.Kernel k : Resampler.Kernel.values()) {
            float[] up = Resampler.resize(c, 10, 6, 37, 23, k);
            float[] down = Resampler.resize(c, 10, 6, 3, 2, k);
            for (float v : up) {
                assertEquals(0.3f, v, 1e-5f, k.name());
            }
            for (float v : down) {
                assertEquals(0.3f, v, 1e-5f, k.name());
            }
        }
        // a hard alpha edge: Lanczos rings, resizeAlpha clamps to [0, 1]
        float[] edge = new float[16];
        for (int i = 8; i < 16; i++) {
            edge[i] = 1f;
        }
        float[] a = ImageOps.resizeAlpha(edge, 16, 1, 64, 1);
        float min = 1;
        float max = 0;
        for (float v : a) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertEquals(0f, min);
        assertEquals(1f, max);
        float[] raw = Resampler.resize(edge, 16, 1, 64, 1, Resampler.Kernel.LANCZOS3);
        float rawMax = 0;
        for (float v : raw) {
            rawMax = Math.max(rawMax, v);
        }
        assertTrue(rawMax > 1f, "Lanczos overshoots a step, so the clamp matters");
    }

    @Test
    void shrinkingAveragesAwayFineDetail() {
        // a one-pixel checkerboard shrunk x4 is flat grey with the antialiased kernels, not with nearest
        int n = 32;
        float[] board = new float[n * n];
        for (int i = 0; i < board.length; i++) {
            board[i] = ((i / n + i % n) % 2 == 0) ? 1f : 0f;
        }
        float[] bic = Resampler.resize(board, n, n, 8, 8, Resampler.Kernel.BICUBIC);
        float[] near = Resampler.resize(board, n, n, 8, 8, Resampler.Kernel.NEAREST);
        for (float v : bic) {
            assertEquals(0.5f, v, 0.05f);
        }
        assertTrue(near[0] == 0f || near[0] == 1f);
    }

    @Test
    void previewsAreCappedAndCarryAlpha() {
        ImageBuffer img = new ImageBuffer(40, 20, TestImages.gradient(40, 20), filled(800, 0.5f), 8, false,
                ImageMetadata.NONE);
        PreviewFrame.Image p = ImageOps.preview("x", img, 10);
        assertEquals(10, p.width());
        assertEquals(5, p.height());
        assertEquals(0x80, p.argb()[0] >>> 24);
        PreviewFrame.Image full = ImageOps.preview("x", img, 100);
        assertEquals(40, full.width());
    }

    @Test
    void everyAlphaResizeIsTheOneResampling() {
        int w = 9;
        int h = 7;
        float[] alpha = new float[w * h];
        for (int i = 0; i < alpha.length; i++) {
            alpha[i] = (i % w) < 4 ? 1f : 0.1f * (i % 3);
        }
        ImageBuffer img = new ImageBuffer(w, h, new float[3 * w * h], alpha, 8, false, null);
        for (int[] size : new int[][] {{27, 21}, {4, 3}}) {
            float[] expected = ImageOps.resizeAlpha(alpha, w, h, size[0], size[1]);
            for (Resampler.Kernel k : Resampler.Kernel.values()) {
                assertArrayEquals(expected, ImageOps.resize(img, size[0], size[1], k).alpha(), k.name());
            }
            assertArrayEquals(expected, ImageOps.resizeAlpha(img, size[0], size[1]));
            dev.restora.core.pipeline.Media out = dev.restora.core.restore.RestoreTask.withAlpha(
                    dev.restora.core.pipeline.Media.of(img), dev.restora.core.pipeline.Media.of(
                            ImageBuffer.rgb(size[0], size[1], new float[3 * size[0] * size[1]])));
            assertArrayEquals(expected, ((dev.restora.core.pipeline.Media.Image) out).image().alpha());
        }
    }
}
