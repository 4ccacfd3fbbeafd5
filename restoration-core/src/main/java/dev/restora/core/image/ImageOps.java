package dev.restora.core.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.diffusion.PreviewFrame;

/**
 * Helpers between {@link ImageBuffer}s and what pipelines work on: tensors, resampled alpha planes, previews.
 * Copies are whole-array copies (one native call each way), never per-element NDArray calls.
 */
public final class ImageOps {
    private ImageOps() {
    }

    /**
     * The RGB planes as a 1 x 3 x H x W float32 tensor in [0, 1], owned by {@code manager}. The buffer's planar
     * layout is the tensor's memory layout, so this is a single copy.
     */
    public static NDArray toTensor(NDManager manager, ImageBuffer image) {
        return manager.create(image.rgb(), new Shape(1, 3, image.height(), image.width()));
    }

    /**
     * A tensor (1 x 3 x H x W, 3 x H x W, or with one channel for grey) back to a buffer with the settings of
     * {@code source} (bit depth, greyness, metadata); values are clamped to [0, 1] (NaN to 0) and the source's
     * alpha, if any, is resampled to the new size with Lanczos-3.
     */
    public static ImageBuffer fromTensor(NDArray tensor, ImageBuffer source) {
        Shape s = tensor.getShape();
        int dims = s.dimension();
        if (dims < 3 || dims > 4 || (dims == 4 && s.get(0) != 1)) {
            throw new IllegalArgumentException("expected a 1 x C x H x W or C x H x W tensor, got " + s);
        }
        int c = (int) s.get(dims - 3);
        int h = (int) s.get(dims - 2);
        int w = (int) s.get(dims - 1);
        if (c != 3 && c != 1) {
            throw new IllegalArgumentException("expected 1 or 3 channels, got " + s);
        }
        NDArray t = tensor.getDataType() == DataType.FLOAT32 ? tensor : tensor.toType(DataType.FLOAT32, false);
        float[] data = t.toFloatArray();
        if (t != tensor) {
            t.close();
        }
        int plane = w * h;
        float[] rgb = new float[3 * plane];
        for (int ch = 0; ch < 3; ch++) {
            int src = c == 1 ? 0 : ch * plane;
            for (int i = 0; i < plane; i++) {
                float v = data[src + i];
                rgb[ch * plane + i] = v > 0f ? (v < 1f ? v : 1f) : 0f;
            }
        }
        if (source == null) {
            return ImageBuffer.rgb(w, h, rgb);
        }
        float[] alpha = source.hasAlpha() ? resizeAlpha(source, w, h) : null;
        return source.withPixels(w, h, rgb, alpha);
    }

    /** The image's alpha plane resampled to newW x newH with Lanczos-3, clamped to [0, 1]; null when opaque. */
    public static float[] resizeAlpha(ImageBuffer image, int newW, int newH) {
        if (!image.hasAlpha()) {
            return null;
        }
        return resizeAlpha(image.alpha(), image.width(), image.height(), newW, newH);
    }

    /**
     * An alpha plane resampled with Lanczos-3 (antialiased when shrinking), clamped to [0, 1]: the one alpha
     * resampling of the project (pipelines that drop alpha, the restore that puts it back, whole-image resizes).
     */
    public static float[] resizeAlpha(float[] alpha, int w, int h, int newW, int newH) {
        if (w == newW && h == newH) {
            return alpha.clone();
        }
        float[] out = Resampler.resize(alpha, w, h, newW, newH, Resampler.Kernel.LANCZOS3);
        clamp(out);
        return out;
    }

    /**
     * The whole image resized, RGB with {@code kernel} and alpha with {@link #resizeAlpha}; keeps depth, greyness
     * and metadata.
     */
    public static ImageBuffer resize(ImageBuffer image, int newW, int newH, Resampler.Kernel kernel) {
        float[] rgb = Resampler.resizePlanes(image.rgb(), 3, image.width(), image.height(), newW, newH, kernel);
        clamp(rgb);
        return image.withPixels(newW, newH, rgb, resizeAlpha(image, newW, newH));
    }

    /**
     * A preview of the image no larger than {@code maxSide} on its long side (box-averaged when shrinking),
     * alpha included, as packed ARGB.
     */
    public static PreviewFrame.Image preview(String label, ImageBuffer image, int maxSide) {
        int w = image.width();
        int h = image.height();
        ImageBuffer src = image;
        if (Math.max(w, h) > maxSide) {
            double f = maxSide / (double) Math.max(w, h);
            int pw = Math.max(1, (int) Math.round(w * f));
            int ph = Math.max(1, (int) Math.round(h * f));
            src = resize(image, pw, ph, Resampler.Kernel.BOX);
        }
        return new PreviewFrame.Image(label, src.width(), src.height(), toArgb(src));
    }

    /** Packed 0xAARRGGBB pixels at 8 bits. */
    public static int[] toArgb(ImageBuffer image) {
        int plane = image.width() * image.height();
        float[] rgb = image.rgb();
        float[] a = image.alpha();
        int[] out = new int[plane];
        for (int i = 0; i < plane; i++) {
            int al = a == null ? 255 : to8(a[i]);
            out[i] = al << 24 | to8(rgb[i]) << 16 | to8(rgb[plane + i]) << 8 | to8(rgb[2 * plane + i]);
        }
        return out;
    }

    private static int to8(float v) {
        return Math.round((v > 0f ? (v < 1f ? v : 1f) : 0f) * 255f);
    }

    private static float[] clamp(float[] v) {
        for (int i = 0; i < v.length; i++) {
            float x = v[i];
            v[i] = x > 0f ? (x < 1f ? x : 1f) : 0f;
        }
        return v;
    }
}
