package dev.restora.app.studio.model;

import dev.restora.core.diffusion.PreviewFrame;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.image.ImageOps;

/**
 * Pure-Java conversions for display: planar float RGB to packed ARGB, thumbnails, spectrograms to colour. Run on a
 * worker or background thread; the views only copy the resulting ints into an image.
 */
public final class Pixels {
    private Pixels() {
    }

    /** A packed picture. */
    public record Argb(int width, int height, int[] pixels) {
    }

    /** The image (alpha included) as packed ARGB. */
    public static Argb of(ImageBuffer img) {
        return new Argb(img.width(), img.height(), ImageOps.toArgb(img));
    }

    /** A preview frame as a picture (spectrograms coloured, low frequencies at the bottom). */
    public static Argb of(PreviewFrame frame) {
        if (frame instanceof PreviewFrame.Image im) {
            return new Argb(im.width(), im.height(), im.argb());
        }
        PreviewFrame.Spectrogram s = (PreviewFrame.Spectrogram) frame;
        return spectrogram(s.db(), s.bins(), s.frames(), 80);
    }

    /** Colours a dB spectrogram ({@code db[bin * frames + frame]}) over {@code rangeDb} below its peak. */
    public static Argb spectrogram(float[] db, int bins, int frames, float rangeDb) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : db) {
            if (v > max) {
                max = v;
            }
        }
        float lo = max - rangeDb;
        int[] out = new int[bins * frames];
        for (int b = 0; b < bins; b++) {
            int row = bins - 1 - b;
            for (int f = 0; f < frames; f++) {
                float t = (db[b * frames + f] - lo) / rangeDb;
                out[row * frames + f] = magma(Float.isNaN(t) ? 0 : t);
            }
        }
        return new Argb(frames, bins, out);
    }

    private static final int[][] MAGMA = {
        {0, 0, 4}, {28, 16, 68}, {79, 18, 123}, {129, 37, 129}, {181, 54, 122}, {229, 80, 100}, {251, 135, 97},
        {254, 194, 135}, {252, 253, 191}};

    /** A perceptual dark-to-bright colour map (approximating matplotlib's magma) for t in [0, 1]. */
    public static int magma(float t) {
        float x = Math.max(0, Math.min(1, t)) * (MAGMA.length - 1);
        int i = Math.min(MAGMA.length - 2, (int) x);
        float f = x - i;
        int r = (int) (MAGMA[i][0] + f * (MAGMA[i + 1][0] - MAGMA[i][0]));
        int g = (int) (MAGMA[i][1] + f * (MAGMA[i + 1][1] - MAGMA[i][1]));
        int b = (int) (MAGMA[i][2] + f * (MAGMA[i + 1][2] - MAGMA[i][2]));
        return 0xFF000000 | (r << 16) | (g << 8) | b;
    }

    /** A box-filtered copy whose longer side is at most {@code maxSide}. */
    public static Argb thumbnail(Argb src, int maxSide) {
        int w = src.width();
        int h = src.height();
        double s = Math.max(w, h) / (double) maxSide;
        if (s <= 1) {
            return src;
        }
        int tw = Math.max(1, (int) Math.round(w / s));
        int th = Math.max(1, (int) Math.round(h / s));
        int[] out = new int[tw * th];
        int[] px = src.pixels();
        for (int ty = 0; ty < th; ty++) {
            int y0 = (int) (ty * s);
            int y1 = Math.max(y0 + 1, Math.min(h, (int) ((ty + 1) * s)));
            for (int tx = 0; tx < tw; tx++) {
                int x0 = (int) (tx * s);
                int x1 = Math.max(x0 + 1, Math.min(w, (int) ((tx + 1) * s)));
                // sample at most 4x4 source pixels per thumbnail pixel: cheap and smooth enough
                int sy = Math.max(1, (y1 - y0) / 4);
                int sx = Math.max(1, (x1 - x0) / 4);
                long a = 0;
                long r = 0;
                long g = 0;
                long b = 0;
                int n = 0;
                for (int y = y0; y < y1; y += sy) {
                    for (int x = x0; x < x1; x += sx) {
                        int p = px[y * w + x];
                        a += p >>> 24;
                        r += (p >> 16) & 255;
                        g += (p >> 8) & 255;
                        b += p & 255;
                        n++;
                    }
                }
                out[ty * tw + tx] = (int) ((a / n) << 24 | (r / n) << 16 | (g / n) << 8 | (b / n));
            }
        }
        return new Argb(tw, th, out);
    }
}
