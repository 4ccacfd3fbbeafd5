package dev.restora.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesTextIntoNewFoldersAndLeavesOnlyTheTarget(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("a/b/plan.json");
        AtomicFiles.writeString(target, "{\"x\": \"é\"}");
        assertEquals("{\"x\": \"é\"}", Files.readString(target, StandardCharsets.UTF_8));
        assertEquals(List.of("plan.json"), names(target.getParent()));
    }

    @Test
    void replacesAnExistingFile(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("data.bin");
        Files.writeString(target, "old and longer than the new content");
        byte[] bytes = {1, 2, 3, 0, (byte) 255};
        AtomicFiles.write(target, bytes);
        assertArrayEquals(bytes, Files.readAllBytes(target));
        assertEquals(List.of("data.bin"), names(dir));
    }

    @Test
    void relativeTargetIsWrittenBesideItself(@TempDir Path dir) throws IOException {
        Path target = Path.of("").toAbsolutePath().relativize(dir.resolve("rel.txt"));
        AtomicFiles.writeString(target, "relative");
        assertEquals("relative", Files.readString(dir.resolve("rel.txt")));
        assertEquals(List.of("rel.txt"), names(dir));
    }

    @Test
    void failingContentLeavesTheOldFileAndNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("report.csv");
        Files.writeString(target, "old");
        IOException io = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]); // past the buffer, so the temporary file really holds bytes
            throw new IOException("encoder failed");
        }));
        assertEquals("encoder failed", io.getMessage());
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, out -> {
            out.write(1);
            throw new IllegalStateException("bug");
        }));
        assertEquals("old", Files.readString(target));
        assertEquals(List.of("report.csv"), names(dir));
    }

    @Test
    void parentThatIsARegularFileFailsWithoutLeftovers(@TempDir Path dir) throws IOException {
        Path notADir = Files.writeString(dir.resolve("file"), "x");
        assertThrows(IOException.class, () -> AtomicFiles.writeString(notADir.resolve("out.json"), "{}"));
        assertEquals(List.of("file"), names(dir));
        assertEquals("x", Files.readString(notADir));
    }

    @Test
    void failedMoveDeletesTheTemporaryFile(@TempDir Path dir) throws IOException {
        // the target is a non-empty folder: the temporary file is written, then the move fails
        Path target = Files.createDirectories(dir.resolve("taken"));
        Files.writeString(target.resolve("inside"), "keep");
        assertThrows(IOException.class, () -> AtomicFiles.writeString(target, "text"));
        assertEquals(List.of("taken"), names(dir));
        assertEquals("keep", Files.readString(target.resolve("inside")));
    }

    @Test
    void permissionsFollowTheUmaskNotOwnerOnly(@TempDir Path dir) throws IOException {
        assumeTrue(Files.getFileStore(dir).supportsFileAttributeView("posix"), "no POSIX permissions here");
        Path reference = Files.createFile(dir.resolve("reference"));
        Set<PosixFilePermission> usual = Files.getPosixFilePermissions(reference);
        Path target = dir.resolve("settings.json");
        AtomicFiles.writeString(target, "{}");
        assertEquals(usual, Files.getPosixFilePermissions(target));
        if (!usual.equals(PosixFilePermissions.fromString("rw-------"))) {
            Path temp = Files.createTempFile(dir, "probe", ".tmp");
            assertNotEquals(Files.getPosixFilePermissions(temp), Files.getPosixFilePermissions(target),
                    "the file must not get createTempFile's owner-only permissions");
        }
    }

    @Test
    void moveFallsBackWhereAtomicMovesAreRefused(@TempDir Path dir) throws IOException {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "no /dev/shm");
        assumeTrue(!Files.getFileStore(shm).equals(Files.getFileStore(dir)), "/dev/shm is on the same file store");
        Path probe = Files.createTempFile(shm, "restora-atomic", ".probe");
        try {
            boolean refused;
            try {
                Files.move(probe, dir.resolve("probe"), StandardCopyOption.ATOMIC_MOVE);
                refused = false;
            } catch (AtomicMoveNotSupportedException e) {
                refused = true;
            }
            assumeTrue(refused, "this system moves atomically across file stores");
        } finally {
            Files.deleteIfExists(probe);
            Files.deleteIfExists(dir.resolve("probe"));
        }
        Path source = Files.createTempFile(shm, "restora-atomic", ".src");
        try {
            Files.writeString(source, "moved");
            Path target = Files.writeString(dir.resolve("target.txt"), "old");
            AtomicFiles.moveIntoPlace(source, target);
            assertEquals("moved", Files.readString(target));
            assertFalse(Files.exists(source));
            assertTrue(Files.isRegularFile(target));
        } finally {
            Files.deleteIfExists(source);
        }
    }
}
