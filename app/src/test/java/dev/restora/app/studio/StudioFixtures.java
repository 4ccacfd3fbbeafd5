package dev.restora.app.studio;

import ai.djl.Device;
import dev.restora.app.cli.fixtures.TestSpeechProvider;
import dev.restora.app.studio.fixtures.SlowStepsProvider;
import dev.restora.app.studio.model.StudioContext;
import dev.restora.audio.AudioClip;
import dev.restora.audio.AudioIO;
import dev.restora.core.jobs.WorkerPool;
import dev.restora.core.plugins.PipelineRegistry;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;
import javax.imageio.ImageIO;

/** Real media files, a registry of test pipelines and studio contexts on a temporary data folder. */
public final class StudioFixtures {
    private StudioFixtures() {
    }

    public static PipelineRegistry registry() {
        return PipelineRegistry.of(List.of(new SlowStepsProvider(), new TestSpeechProvider()));
    }

    /** A context on {@code home} with one CPU lane. */
    public static StudioContext context(Path home, Executor ui) {
        return new StudioContext(home, registry(), ui, () -> new WorkerPool(List.of(Device.cpu()), 2));
    }

    /** A w x h colour gradient PNG. */
    public static Path png(Path file, int w, int h) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = 255 * x / Math.max(1, w - 1);
                int g = 255 * y / Math.max(1, h - 1);
                img.setRGB(x, y, (r << 16) | (g << 8) | ((x * y) & 255));
            }
        }
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    /** A mono 16-bit WAV of a tone with a little noise. */
    public static Path wav(Path file, int rate, int frames) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        float[] s = new float[frames];
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < frames; i++) {
            s[i] = (float) (0.4 * Math.sin(2 * Math.PI * 300 * i / rate) + 0.05 * r.nextGaussian());
        }
        AudioIO.writeWav16(new AudioClip(new float[][] {s}, rate, 16), file);
        return file;
    }

    /** A file with a PNG name and garbage inside. */
    public static Path brokenPng(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3, 4, 5});
        return file;
    }
}
