package dev.restora.core.image;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.core.RestoraException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every image file in test-assets/bad/ must fail with a {@link RestoraException} naming the file. */
class BadImagesTest {
    static final Path BAD = Path.of("../test-assets/bad");
    static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "tif", "tiff", "webp", "bmp", "gif");
    /** The problem each known file must be reported as (files not listed only need the name in the message). */
    static final Map<String, String> PROBLEM = Map.ofEntries(
            Map.entry("truncated.png", "truncated"),
            Map.entry("truncated.jpg", "truncated"),
            Map.entry("truncated.webp", "truncated"),
            Map.entry("empty.png", "empty"),
            Map.entry("text-named.png", "not an image"),
            Map.entry("huge-dimensions.png", "too large"),
            Map.entry("bmp-disguised.png", "unsupported"),
            Map.entry("arithmetic.jpg", "unsupported"),
            Map.entry("precision-12bit.jpg", "unsupported"),
            Map.entry("corrupt-data.png", "corrupt"),
            Map.entry("corrupt.tif", "corrupt"),
            Map.entry("strip-past-end.tif", ""));

    static List<Path> badImages() throws IOException {
        try (Stream<Path> s = Files.list(BAD)) {
            return s.filter(p -> IMAGE_EXTENSIONS.contains(ImageCodec.extension(p))).sorted().toList();
        }
    }

    @Test
    void theFolderHasTheExpectedBadImages() throws IOException {
        List<String> names = badImages().stream().map(p -> p.getFileName().toString()).toList();
        assertTrue(names.containsAll(PROBLEM.keySet()), "missing: " + PROBLEM.keySet() + " vs " + names);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badImages")
    void readFailsWithAClearMessageNamingTheFile(Path file) {
        RestoraException e = assertThrows(RestoraException.class, () -> ImageCodec.read(file));
        String msg = e.getMessage();
        System.out.println("  " + msg);
        assertTrue(msg.contains(file.getFileName().toString()), "names the file: " + msg);
        String problem = PROBLEM.getOrDefault(file.getFileName().toString(), "");
        assertTrue(msg.toLowerCase(Locale.ROOT).contains(problem), "says '" + problem + "': " + msg);
        assertFalse(msg.contains("Exception"), "no exception class names for the user: " + msg);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badImages")
    void probeNeverThrowsAnythingElse(Path file) {
        try {
            ImageCodec.probe(file);
        } catch (RestoraException e) {
            assertTrue(e.getMessage().contains(file.getFileName().toString()));
        }
    }

    @Test
    void thePixelLimitIsConfigurableAndCheckedBeforeDecoding() throws IOException {
        Path dir = TestImages.tmpDir("limit");
        Path f = dir.resolve("ten-by-ten.png");
        ImageCodec.write(ImageBuffer.rgb(10, 10, TestImages.gradient(10, 10)), f);
        RestoraException e = assertThrows(RestoraException.class, () -> ImageCodec.read(f, 99));
        assertTrue(e.getMessage().contains("ten-by-ten.png") && e.getMessage().contains("too large"), e.getMessage());
        ImageCodec.read(f, 100);
        String old = System.getProperty(ImageCodec.MAX_PIXELS_PROPERTY);
        try {
            System.setProperty(ImageCodec.MAX_PIXELS_PROPERTY, "50");
            assertThrows(RestoraException.class, () -> ImageCodec.read(f));
        } finally {
            if (old == null) {
                System.clearProperty(ImageCodec.MAX_PIXELS_PROPERTY);
            } else {
                System.setProperty(ImageCodec.MAX_PIXELS_PROPERTY, old);
            }
        }
        ImageCodec.read(f);
    }

    @Test
    void missingFilesFoldersAndUnwritableTargetsAreClearErrors() throws IOException {
        Path dir = TestImages.tmpDir("misc");
        RestoraException missing = assertThrows(RestoraException.class, () -> ImageCodec.read(dir.resolve("nope.png")));
        assertTrue(missing.getMessage().contains("nope.png") && missing.getMessage().contains("no such file"));
        RestoraException folder = assertThrows(RestoraException.class, () -> ImageCodec.read(dir));
        assertTrue(folder.getMessage().contains("folder"));
        ImageBuffer img = ImageBuffer.rgb(4, 4, TestImages.gradient(4, 4));
        RestoraException ext = assertThrows(RestoraException.class, () -> ImageCodec.write(img, dir.resolve("x.bmp")));
        assertTrue(ext.getMessage().contains("x.bmp"));
        Path aFile = dir.resolve("plain-file");
        Files.writeString(aFile, "not a folder");
        Path under = aFile.resolve("out.png");
        RestoraException parent = assertThrows(RestoraException.class, () -> ImageCodec.write(img, under));
        assertTrue(parent.getMessage().contains("out.png"), parent.getMessage());
        try (Stream<Path> s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".part")), "no temporary file left");
        }
        assertFalse(Files.exists(dir.resolve("x.bmp")));
    }
}
