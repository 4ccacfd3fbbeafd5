package dev.restora.app.cli;

import dev.restora.audio.AudioClip;
import dev.restora.audio.AudioIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Small real media files for the command-line tests. */
final class TestMedia {
    private TestMedia() {
    }

    /** A w x h gradient image; with alpha it gets a horizontal alpha ramp. */
    static Path image(Path file, int w, int h, boolean alpha, String format) throws IOException {
        BufferedImage img = new BufferedImage(w, h, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int a = alpha ? (255 * x) / Math.max(1, w - 1) : 255;
                int r = (255 * x) / Math.max(1, w - 1);
                int g = (255 * y) / Math.max(1, h - 1);
                img.setRGB(x, y, (a << 24) | (r << 16) | (g << 8) | 100);
            }
        }
        if (!ImageIO.write(img, format, file.toFile())) {
            throw new IOException("no writer for " + format);
        }
        return file;
    }

    /** A 16-bit mono WAV of a 440 Hz tone at amplitude 0.5. */
    static Path wav(Path file, int sampleRate, int frames) {
        float[] s = new float[frames];
        for (int i = 0; i < frames; i++) {
            s[i] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * i / sampleRate));
        }
        AudioIO.writeWav16(new AudioClip(new float[][] {s}, sampleRate, 16), file);
        return file;
    }
}
