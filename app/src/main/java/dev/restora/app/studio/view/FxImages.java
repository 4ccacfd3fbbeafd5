package dev.restora.app.studio.view;

import dev.restora.app.studio.model.Pixels;
import dev.restora.core.image.ImageBuffer;
import javafx.scene.image.Image;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;

/** Packed pixels to JavaFX images and back (the only place pixels meet the toolkit). */
public final class FxImages {
    private FxImages() {
    }

    public static WritableImage of(Pixels.Argb a) {
        WritableImage img = new WritableImage(a.width(), a.height());
        img.getPixelWriter().setPixels(0, 0, a.width(), a.height(), PixelFormat.getIntArgbInstance(), a.pixels(), 0,
                a.width());
        return img;
    }

    /** A clipboard or file image as an 8-bit {@link ImageBuffer} (alpha kept when not opaque). */
    public static ImageBuffer toBuffer(Image image) {
        int w = (int) image.getWidth();
        int h = (int) image.getHeight();
        int[] px = new int[w * h];
        PixelReader r = image.getPixelReader();
        r.getPixels(0, 0, w, h, PixelFormat.getIntArgbInstance(), px, 0, w);
        int n = w * h;
        float[] rgb = new float[3 * n];
        float[] alpha = new float[n];
        boolean opaque = true;
        for (int i = 0; i < n; i++) {
            int p = px[i];
            alpha[i] = (p >>> 24) / 255f;
            opaque &= (p >>> 24) == 255;
            rgb[i] = ((p >> 16) & 255) / 255f;
            rgb[n + i] = ((p >> 8) & 255) / 255f;
            rgb[2 * n + i] = (p & 255) / 255f;
        }
        ImageBuffer b = ImageBuffer.rgb(w, h, rgb);
        return opaque ? b : b.withPixels(w, h, rgb, alpha);
    }
}
