package dev.restora.core.batch;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Small generated test images and a deliberately slow but real image processor for batch tests. */
final class TestImages {
    private TestImages() {
    }

    /** Writes a w x h PNG with a gradient that depends on {@code seed}. */
    static void png(Path file, int w, int h, int seed) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, ((x * 7 + seed) & 0xff) << 16 | ((y * 5 + seed * 3) & 0xff) << 8 | (seed * 11 & 0xff));
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    /**
     * Upscales 2x (nearest) and inverts the input, then writes the PNG in {@code chunks} pieces with a pause after
     * each, so a kill lands in the middle of a write.
     */
    static void slowInvertUpscale(Path in, Path out, int chunks, long pauseMillis) throws IOException, InterruptedException {
        BufferedImage src = ImageIO.read(in.toFile());
        if (src == null) {
            throw new dev.restora.core.RestoraException(in + ": not an image");
        }
        BufferedImage dst = new BufferedImage(src.getWidth() * 2, src.getHeight() * 2, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < dst.getHeight(); y++) {
            for (int x = 0; x < dst.getWidth(); x++) {
                dst.setRGB(x, y, ~src.getRGB(x / 2, y / 2) & 0xffffff);
            }
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ImageIO.write(dst, "png", buf);
        byte[] bytes = buf.toByteArray();
        try (OutputStream os = Files.newOutputStream(out)) {
            int step = Math.max(1, bytes.length / chunks + 1);
            for (int i = 0; i < bytes.length; i += step) {
                os.write(bytes, i, Math.min(step, bytes.length - i));
                os.flush();
                Thread.sleep(pauseMillis);
            }
        }
    }
}
