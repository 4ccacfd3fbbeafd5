package dev.restora.spark;

import dev.restora.core.models.ModelStore;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/** Small helpers over Hadoop's {@link FileSystem}, the one file API of the job (local, HDFS, S3A, ...). */
final class HadoopFiles {
    private HadoopFiles() {
    }

    /**
     * The file system of {@code path}; for local paths the raw one, which writes no {@code .crc} side files and
     * renames with {@code rename(2)} (atomic, replacing).
     */
    static FileSystem fs(Path path, Configuration conf) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
    }

    /** Whether {@code path} is on this machine's file system (then the pipeline reads and writes it in place). */
    static boolean isLocal(Path path) {
        String scheme = path.toUri().getScheme();
        return scheme == null || scheme.equals("file");
    }

    /** The local {@link java.nio.file.Path} of a {@code file:} path. */
    static java.nio.file.Path local(Path path) {
        return java.nio.file.Path.of(Path.getPathWithoutSchemeAndAuthority(path).toUri().getPath());
    }

    /** SHA-256 (lower-case hex) of a file on any file system. */
    static String sha256(FileSystem fs, Path file) throws IOException {
        try (InputStream in = fs.open(file)) {
            return ModelStore.sha256(in);
        }
    }

    /**
     * Renames {@code from} over {@code to}. A local rename replaces atomically; where the file system refuses to
     * rename onto an existing file (HDFS, S3A), the old file is deleted first.
     */
    static void replace(FileSystem fs, Path from, Path to) throws IOException {
        if (fs.rename(from, to)) {
            return;
        }
        if (fs.exists(to)) {
            fs.delete(to, false);
            if (fs.rename(from, to)) {
                return;
            }
        }
        throw new IOException("cannot rename " + from + " to " + to);
    }
}
