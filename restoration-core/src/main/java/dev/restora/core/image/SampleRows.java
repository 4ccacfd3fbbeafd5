package dev.restora.core.image;

/**
 * Integer samples for an encoder, one row at a time (interleaved: grey or R, G, B, then alpha), so a write never
 * holds a second full copy of the image as integers.
 */
interface SampleRows {
    /** Fills {@code out} (width x channels values) with row {@code y}. */
    void row(int y, int[] out);

    /** Rows from a whole interleaved array. */
    static SampleRows of(int[] samples, int w, int channels) {
        int n = w * channels;
        return (y, out) -> System.arraycopy(samples, y * n, out, 0, n);
    }

    /**
     * Rows of an image: grey (BT.601 luma) or RGB, then alpha when asked, scaled to {@code depth} bits;
     * {@code overWhite} composites alpha over white instead (for formats without alpha).
     */
    static SampleRows of(ImageBuffer image, boolean grey, boolean withAlpha, int depth, boolean overWhite) {
        int w = image.width();
        int plane = w * image.height();
        float[] rgb = image.rgb();
        float[] a = image.alpha();
        int ch = (grey ? 1 : 3) + (withAlpha ? 1 : 0);
        float max = depth == 16 ? 65535f : 255f;
        return (y, out) -> {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                float r = clamp01(rgb[i]);
                float g = clamp01(rgb[plane + i]);
                float b = clamp01(rgb[2 * plane + i]);
                if (overWhite && a != null) {
                    float al = clamp01(a[i]);
                    r = r * al + (1 - al);
                    g = g * al + (1 - al);
                    b = b * al + (1 - al);
                }
                int o = x * ch;
                if (grey) {
                    out[o++] = Math.round((0.299f * r + 0.587f * g + 0.114f * b) * max);
                } else {
                    out[o++] = Math.round(r * max);
                    out[o++] = Math.round(g * max);
                    out[o++] = Math.round(b * max);
                }
                if (withAlpha) {
                    out[o] = Math.round(clamp01(a[i]) * max);
                }
            }
        };
    }

    private static float clamp01(float v) {
        return v > 0f ? (v < 1f ? v : 1f) : 0f;
    }
}
