package dev.restora.core.tfjs;

import dev.restora.core.RestoraException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The files of one TensorFlow.js model ({@code model.json} and its shards), named relative to the model's folder.
 * Two kinds: a folder on disk, and a folder on the class path (read through the class loader, so a model bundled in
 * a jar is read in place, never extracted). Every name is checked before it is opened: it must stay inside the
 * model's folder (no {@code ..}, no absolute path, no backslash; on disk no symbolic link).
 */
public abstract class ModelFiles {

    private ModelFiles() {
    }

    /** The model in {@code dir} on disk. */
    public static ModelFiles folder(Path dir) {
        return new Folder(dir);
    }

    /**
     * The model under {@code prefix} on the class path of {@code loader} ({@code "dev/restora/esrgan/thick-x4"});
     * read in place, also from inside a jar.
     */
    public static ModelFiles classpath(ClassLoader loader, String prefix) {
        return new Classpath(loader, prefix);
    }

    /** How to name {@code relative} in a message (full path or class-path resource). */
    public abstract String describe(String relative);

    /** The whole file; a {@link NoSuchFileException} when it is missing. */
    public final byte[] read(String relative) throws IOException {
        check(relative);
        return readChecked(relative);
    }

    abstract byte[] readChecked(String relative) throws IOException;

    /** Refuses a name that could leave the model's folder. */
    final void check(String relative) {
        if (relative == null || relative.isEmpty()) {
            throw new RestoraException(describe("") + ": an empty file name in model.json");
        }
        if (relative.startsWith("/") || relative.contains("\\") || relative.contains(":")
                || relative.contains("\0")) {
            throw new RestoraException(describe("") + ": model.json names '" + relative
                    + "', which is not a plain relative path inside the model's folder; refused");
        }
        for (String seg : relative.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                throw new RestoraException(describe("") + ": model.json names '" + relative
                        + "', which leaves the model's folder; refused");
            }
        }
    }

    private static final class Folder extends ModelFiles {
        private final Path dir;

        Folder(Path dir) {
            this.dir = dir.toAbsolutePath().normalize();
        }

        @Override
        public String describe(String relative) {
            return relative.isEmpty() ? dir.toString() : dir.resolve(relative).toString();
        }

        @Override
        byte[] readChecked(String relative) throws IOException {
            Path file = dir.resolve(relative).normalize();
            for (Path p = file; p != null && !p.equals(dir); p = p.getParent()) {
                if (Files.isSymbolicLink(p)) {
                    throw new RestoraException(p + ": a symbolic link in the model's folder; refused (copy the file"
                            + " itself into " + dir + ")");
                }
            }
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new NoSuchFileException(file.toString());
            }
            if (!file.toRealPath().startsWith(dir.toRealPath())) {
                throw new RestoraException(file + ": lies outside the model's folder " + dir + "; refused");
            }
            return Files.readAllBytes(file);
        }
    }

    private static final class Classpath extends ModelFiles {
        private final ClassLoader loader;
        private final String prefix;

        Classpath(ClassLoader loader, String prefix) {
            this.loader = Objects.requireNonNull(loader, "loader");
            String p = prefix.startsWith("/") ? prefix.substring(1) : prefix;
            this.prefix = p.endsWith("/") ? p : p + "/";
        }

        @Override
        public String describe(String relative) {
            return "classpath:" + prefix + relative;
        }

        @Override
        byte[] readChecked(String relative) throws IOException {
            try (InputStream in = loader.getResourceAsStream(prefix + relative)) {
                if (in == null) {
                    throw new NoSuchFileException(describe(relative));
                }
                return in.readAllBytes();
            }
        }
    }
}
