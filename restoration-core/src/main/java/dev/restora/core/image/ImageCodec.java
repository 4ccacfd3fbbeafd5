package dev.restora.core.image;

import dev.restora.core.RestoraException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Reads and writes image files as {@link ImageBuffer}s. Errors name the file and the problem; a write goes to a
 * temporary file in the target folder that is moved into place atomically, so a failed write leaves nothing.
 */
public final class ImageCodec {
    private ImageCodec() {
    }

    /** Decodes an image file. */
    public static ImageBuffer read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new RestoraException(file + ": no such file");
        }
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new RestoraException(file + ": not a readable image (" + e.getMessage() + ")", e);
        }
        if (img == null) {
            throw new RestoraException(file + ": not an image in a supported format");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        float[] rgb = new float[3 * w * h];
        float[] alpha = img.getColorModel().hasAlpha() ? new float[w * h] : null;
        int plane = w * h;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = img.getRGB(x, y);
                int i = y * w + x;
                rgb[i] = ((p >> 16) & 0xff) / 255f;
                rgb[plane + i] = ((p >> 8) & 0xff) / 255f;
                rgb[2 * plane + i] = (p & 0xff) / 255f;
                if (alpha != null) {
                    alpha[i] = ((p >>> 24) & 0xff) / 255f;
                }
            }
        }
        return new ImageBuffer(w, h, rgb, alpha, 8, false, ImageMetadata.NONE);
    }

    /** Encodes {@code image} to {@code file}, the format chosen by the extension (png, jpg/jpeg, tif/tiff). */
    public static void write(ImageBuffer image, Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String format = name.endsWith(".png") ? "png" : name.endsWith(".jpg") || name.endsWith(".jpeg") ? "jpeg"
                : name.endsWith(".tif") || name.endsWith(".tiff") ? "tiff" : null;
        if (format == null) {
            throw new RestoraException(file + ": cannot write this format; use .png, .jpg or .tif");
        }
        boolean alpha = image.hasAlpha() && !format.equals("jpeg");
        int w = image.width();
        int h = image.height();
        BufferedImage out = new BufferedImage(w, h, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        float[] rgb = image.rgb();
        int plane = w * h;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int a = alpha ? to8(image.alpha()[i]) : 255;
                out.setRGB(x, y, (a << 24) | (to8(rgb[i]) << 16) | (to8(rgb[plane + i]) << 8) | to8(rgb[2 * plane + i]));
            }
        }
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".part");
            if (!ImageIO.write(out, format, tmp.toFile())) {
                throw new RestoraException(file + ": no writer for " + format);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new RestoraException(file + ": cannot write (" + e.getMessage() + ")", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    private static int to8(float v) {
        return Math.round(Math.max(0f, Math.min(1f, v)) * 255f);
    }
}
