package dev.restora.app;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code restora FILE...} (a desktop's "Open with") opens the studio; commands and options still run the CLI. */
class MainTest {
    @TempDir
    Path dir;

    @Test
    void existingFilesOrFoldersWithoutACommandOpenTheStudio() throws Exception {
        Path photo = Files.writeString(dir.resolve("photo.png"), "x");
        assertTrue(Main.opensFiles(new String[] {photo.toString()}));
        assertTrue(Main.opensFiles(new String[] {photo.toString(), dir.toString()}));
        assertTrue(Main.opensFiles(new String[] {dir.toString()}));
    }

    @Test
    void commandsOptionsAndMissingPathsRunTheCommandLine() throws Exception {
        Path photo = Files.writeString(dir.resolve("photo.png"), "x");
        assertFalse(Main.opensFiles(new String[] {"restore", photo.toString()}));
        assertFalse(Main.opensFiles(new String[] {"--help"}));
        assertFalse(Main.opensFiles(new String[] {"-v", photo.toString()}));
        assertFalse(Main.opensFiles(new String[] {dir.resolve("nope.png").toString()}));
        assertFalse(Main.opensFiles(new String[0]));
    }
}
