package dev.restora.core.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file so that readers never see a partial one: the bytes go to a hidden temporary file in the target's
 * folder ({@code .NAME.<hex>.part}), which is then moved over the target atomically. Where the file system refuses
 * an atomic move, a plain replacing move is used instead. The temporary file is deleted on any failure, and it is
 * created with {@link Files#createFile} rather than {@link Files#createTempFile}, so the finished file gets the
 * usual permissions (the process umask) instead of owner-only ones.
 *
 * <p>Failures are {@link IOException}s; callers wrap them in a message naming what they were writing.
 */
public final class AtomicFiles {
    /** Suffix of the temporary files; {@code dev.restora.core.image.ImageFiles#hasLeftovers} looks for it. */
    public static final String TEMP_SUFFIX = ".part";

    private static final int MAX_NAME_ATTEMPTS = 16;

    /** Writes the content of a file to a stream (buffered; closed by {@link AtomicFiles}). */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Writes {@code text} as UTF-8 to {@code target}, creating missing folders. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code bytes} to {@code target}, creating missing folders. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /**
     * Writes what {@code content} produces to {@code target}, creating missing folders. Whatever {@code content}
     * throws (including unchecked exceptions and errors) propagates after the temporary file has been deleted; the
     * target is then left as it was.
     */
    public static void write(Path target, Content content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = createTemp(dir, target.getFileName().toString());
        boolean moved = false;
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                content.writeTo(out);
            }
            moveIntoPlace(tmp, target);
            moved = true;
        } finally {
            if (!moved) {
                deleteQuietly(tmp);
            }
        }
    }

    /**
     * Moves a finished {@code source} over {@code target}: atomically where the file system can, else with a plain
     * replacing move ({@link AtomicMoveNotSupportedException}, e.g. some network or FUSE file systems).
     */
    public static void moveIntoPlace(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** A new empty hidden file {@code .NAME.<hex>.part} in {@code dir}. */
    private static Path createTemp(Path dir, String name) throws IOException {
        FileAlreadyExistsException last = null;
        for (int i = 0; i < MAX_NAME_ATTEMPTS; i++) {
            Path tmp = dir.resolve("." + name + "." + Long.toHexString(System.nanoTime())
                    + Long.toHexString(Thread.currentThread().getId()) + TEMP_SUFFIX);
            try {
                // createFile (not createTempFile) so the result gets the usual permissions, not owner-only
                return Files.createFile(tmp);
            } catch (FileAlreadyExistsException e) {
                last = e;
            }
        }
        throw last;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: the temporary name starts with a dot and ends with .part
        }
    }
}
