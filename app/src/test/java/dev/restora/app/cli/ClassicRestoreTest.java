package dev.restora.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.audio.AudioClip;
import dev.restora.audio.AudioIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command: the embedded weight-free defaults on the repository's test assets. */
class ClassicRestoreTest {
    static final Path ASSETS = Paths.get("").toAbsolutePath().getParent().resolve("test-assets");

    @TempDir
    Path dir;

    @Test
    void defaultPipelinesRestoreTheTestAssets() throws Exception {
        Path photo = ASSETS.resolve("images/landscape_x4.png");
        Path sprite = ASSETS.resolve("images/sprite-alpha_x4.png");
        Path speech = ASSETS.resolve("audio/speech_noisy_pink_16k_mono.wav");
        Path out = dir.resolve("out");
        CliRun r = CliRun.run(dir, "restore", photo.toString(), sprite.toString(), speech.toString(), "--out",
                out.toString());
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(List.of("landscape_x4_esrgan.png", "speech_noisy_pink_16k_mono_classic-speech.wav",
                    "sprite-alpha_x4_esrgan.png"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        BufferedImage in = ImageIO.read(photo.toFile());
        BufferedImage up = ImageIO.read(out.resolve("landscape_x4_esrgan.png").toFile());
        assertEquals(4 * in.getWidth(), up.getWidth());
        assertEquals(4 * in.getHeight(), up.getHeight());

        BufferedImage spriteIn = ImageIO.read(sprite.toFile());
        BufferedImage spriteUp = ImageIO.read(out.resolve("sprite-alpha_x4_esrgan.png").toFile());
        assertTrue(spriteIn.getColorModel().hasAlpha() && spriteUp.getColorModel().hasAlpha(), "alpha kept");
        int transparentIn = 0;
        int transparentUp = 0;
        for (int y = 0; y < spriteIn.getHeight(); y++) {
            for (int x = 0; x < spriteIn.getWidth(); x++) {
                transparentIn += (spriteIn.getRGB(x, y) >>> 24) == 0 ? 1 : 0;
            }
        }
        for (int y = 0; y < spriteUp.getHeight(); y++) {
            for (int x = 0; x < spriteUp.getWidth(); x++) {
                transparentUp += (spriteUp.getRGB(x, y) >>> 24) < 8 ? 1 : 0;
            }
        }
        assertTrue(transparentIn > 0, "the sprite has transparent pixels");
        double fracIn = transparentIn / (double) (spriteIn.getWidth() * spriteIn.getHeight());
        double fracUp = transparentUp / (double) (spriteUp.getWidth() * spriteUp.getHeight());
        assertEquals(fracIn, fracUp, 0.1, "about the same share of the picture stays transparent");

        AudioClip noisy = AudioIO.read(speech);
        AudioClip clean = AudioIO.read(out.resolve("speech_noisy_pink_16k_mono_classic-speech.wav"));
        assertEquals(noisy.sampleRate(), clean.sampleRate());
        assertEquals(noisy.frames(), clean.frames());
        assertEquals(noisy.sourceEncoding(), clean.sourceEncoding());
        double eIn = 0;
        double eOut = 0;
        for (int i = 0; i < noisy.frames(); i++) {
            eIn += noisy.channels()[0][i] * noisy.channels()[0][i];
            eOut += clean.channels()[0][i] * clean.channels()[0][i];
        }
        assertTrue(eOut < eIn, "the denoiser removed energy (noise)");
    }

    @Test
    void aScaleParameterWithoutAPipelineGoesToClassicImage() throws Exception {
        Path photo = ASSETS.resolve("images/landscape_x4.png");
        Path out = dir.resolve("x2");
        CliRun r = CliRun.run(dir, "restore", photo.toString(), "--param", "scale=2", "--out", out.toString(), "-q");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        BufferedImage up = ImageIO.read(out.resolve("landscape_x4_classic-image.png").toFile());
        assertEquals(2 * ImageIO.read(photo.toFile()).getWidth(), up.getWidth());
    }

    @Test
    void pipelinesListsTheClassicDefaults() {
        CliRun r = CliRun.run(dir, "pipelines");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertTrue(r.out().contains("classic-image  (") && r.out().contains("classic-speech  ("), r::toString);
    }
}
