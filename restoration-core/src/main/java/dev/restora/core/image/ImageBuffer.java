package dev.restora.core.image;

import java.util.Objects;

/**
 * A decoded image as the pipelines see it: RGB in planar float [0, 1] (3 x H x W, row-major), with the
 * alpha plane, the source bit depth and the metadata kept beside it so the codec can write them back.
 * Pipelines only ever read and produce {@link #rgb()}; alpha is resampled by the framework.
 */
public final class ImageBuffer {
    private final int width;
    private final int height;
    private final float[] rgb;
    private final float[] alpha;
    private final int bitDepth;
    private final boolean grey;
    private final ImageMetadata metadata;

    public ImageBuffer(int width, int height, float[] rgb, float[] alpha, int bitDepth, boolean grey,
                       ImageMetadata metadata) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
        }
        if (rgb.length != 3L * width * height) {
            throw new IllegalArgumentException("rgb plane has " + rgb.length + " values, expected 3x" + width + "x" + height);
        }
        if (alpha != null && alpha.length != (long) width * height) {
            throw new IllegalArgumentException("alpha plane has " + alpha.length + " values, expected " + width + "x" + height);
        }
        if (bitDepth != 8 && bitDepth != 16) {
            throw new IllegalArgumentException("bit depth must be 8 or 16: " + bitDepth);
        }
        this.width = width;
        this.height = height;
        this.rgb = rgb;
        this.alpha = alpha;
        this.bitDepth = bitDepth;
        this.grey = grey;
        this.metadata = Objects.requireNonNullElse(metadata, ImageMetadata.NONE);
    }

    /** An 8-bit RGB image without alpha or metadata. */
    public static ImageBuffer rgb(int width, int height, float[] rgb) {
        return new ImageBuffer(width, height, rgb, null, 8, false, ImageMetadata.NONE);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Planar RGB, 3 x H x W, values in [0, 1]. */
    public float[] rgb() {
        return rgb;
    }

    /** The alpha plane (H x W, [0, 1]) or null when the image is opaque. */
    public float[] alpha() {
        return alpha;
    }

    public boolean hasAlpha() {
        return alpha != null;
    }

    public int bitDepth() {
        return bitDepth;
    }

    /** True when the source was a grey image; the writer then writes grey again. */
    public boolean grey() {
        return grey;
    }

    public ImageMetadata metadata() {
        return metadata;
    }

    /** The same settings (depth, greyness, metadata) with new pixels of another size. */
    public ImageBuffer withPixels(int newWidth, int newHeight, float[] newRgb, float[] newAlpha) {
        return new ImageBuffer(newWidth, newHeight, newRgb, newAlpha, bitDepth, grey, metadata);
    }
}
