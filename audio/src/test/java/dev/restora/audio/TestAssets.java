package dev.restora.audio;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository's test-assets folder from the module's working directory. */
public final class TestAssets {
    private TestAssets() {
    }

    public static Path dir() {
        Path p = Path.of("").toAbsolutePath();
        for (int i = 0; i < 5 && p != null; i++, p = p.getParent()) {
            Path t = p.resolve("test-assets");
            if (Files.isDirectory(t)) {
                return t;
            }
        }
        throw new IllegalStateException("test-assets folder not found above " + Path.of("").toAbsolutePath());
    }

    public static Path audio(String name) {
        return dir().resolve("audio").resolve(name);
    }
}
