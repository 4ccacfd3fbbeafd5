package dev.restora.core.image;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.restora.core.RestoraException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded corruption of valid files (flipped bytes, cut ends): reading must either succeed or fail with a
 * {@link RestoraException} naming the file, never any other exception or error.
 */
class CorruptionFuzzTest {
    static final Path IMAGES = Path.of("../test-assets/images");

    @ParameterizedTest
    @ValueSource(strings = {"text_x4.png", "gradient16_x4.png", "sprite-alpha_x4.png", "photo-exif.jpg",
        "text_x4_lossy.webp", "photo-adobe_lossless.webp", "tiff"})
    void corruptedFilesFailCleanly(String name) throws IOException {
        Path dir = TestImages.tmpDir("fuzz");
        byte[] good;
        String ext;
        if (name.equals("tiff")) {
            Path t = dir.resolve("src.tif");
            ImageCodec.write(ImageCodec.read(IMAGES.resolve("photo-exif.jpg")), t);
            good = Files.readAllBytes(t);
            ext = "tif";
        } else {
            good = Files.readAllBytes(IMAGES.resolve(name));
            ext = ImageCodec.extension(Path.of(name));
        }
        SplittableRandom rnd = new SplittableRandom(name.hashCode());
        int failures = 0;
        int cases = 60;
        for (int c = 0; c < cases; c++) {
            byte[] bad;
            if (c % 3 == 0) {
                bad = java.util.Arrays.copyOf(good, rnd.nextInt(1, good.length));
            } else {
                bad = good.clone();
                int flips = 1 + rnd.nextInt(c % 3 == 1 ? 4 : 40);
                for (int i = 0; i < flips; i++) {
                    // mostly in the headers, where parsers are most fragile
                    int at = rnd.nextInt(10) < 6 ? rnd.nextInt(Math.min(bad.length, 400)) : rnd.nextInt(bad.length);
                    bad[at] = (byte) rnd.nextInt(256);
                }
            }
            Path f = dir.resolve("case" + c + "." + ext);
            Files.write(f, bad);
            try {
                ImageBuffer b = ImageCodec.read(f, 4_000_000);
                assertTrue(b.width() > 0 && b.height() > 0);
            } catch (RestoraException e) {
                failures++;
                assertTrue(e.getMessage().contains(f.getFileName().toString()), e.getMessage());
            } catch (Throwable t) {
                fail("case " + c + " of " + name + " threw " + t, t);
            }
        }
        System.out.println(name + ": " + failures + " of " + cases + " corrupted copies refused, the rest decoded");
        assertTrue(failures > 0, "cutting files short must be noticed at least sometimes");
    }
}
