package dev.restora.core.models;

import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.CancellationToken;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Installs a multi-file catalog entry ({@link ModelFile}s, e.g. a TF.js {@code model.json} and its shards) as one
 * unit: the folder {@code <store>/<entry file name>/} appears, by one atomic rename, only when every file is there
 * and matched its pinned size and SHA-256 (all files or none). The files are fetched into a staging folder
 * {@code <store>/.partial/<name>.files/} by a store over that folder, so each file gets the single-file download's
 * resume (Range, If-Range, across restarts), retries and verification; files completed before an interruption are
 * kept and not fetched again. Each installed file's verification (size, modification time, hash) is recorded in the
 * store index under {@code <entry>/<file>}, so {@code require} hashes it only after a change.
 */
final class MultiFileInstaller {
    private static final String STAGING_SUFFIX = ".files";

    private final ModelStore store;
    private final Map<String, CancellationToken> running = new ConcurrentHashMap<>();

    MultiFileInstaller(ModelStore store) {
        this.store = store;
    }

    private Path folder(CatalogEntry e) {
        return store.directory().resolve(e.fileName());
    }

    private Path staging(CatalogEntry e) {
        return store.directory().resolve(ModelStore.PARTIAL_DIR).resolve(e.fileName() + STAGING_SUFFIX);
    }

    ModelStatus status(CatalogEntry e, List<ModelFile> files) {
        Path dir = folder(e);
        if (Files.isDirectory(dir)) {
            try {
                for (ModelFile f : files) {
                    Path p = dir.resolve(f.name());
                    if (!Files.isRegularFile(p) || !recordMatches(e, f, p)) {
                        return ModelStatus.PRESENT;
                    }
                }
                return ModelStatus.VERIFIED;
            } catch (IOException ex) {
                return ModelStatus.PRESENT;
            }
        }
        return Files.isDirectory(staging(e)) ? ModelStatus.PARTIAL : ModelStatus.MISSING;
    }

    /** Bytes in the installed folder, or in the staging folder of an unfinished download. */
    long localBytes(CatalogEntry e) {
        Path dir = Files.isDirectory(folder(e)) ? folder(e) : staging(e);
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException | RuntimeException ex) {
            return 0;
        }
    }

    /** The installed, verified folder; a missing or changed file is a {@link RestoraException} naming it. */
    Path require(CatalogEntry e, List<ModelFile> files, boolean force) {
        Path dir = folder(e);
        if (!Files.isDirectory(dir)) {
            throw missing(e, files);
        }
        for (ModelFile f : files) {
            Path p = dir.resolve(f.name());
            if (!Files.isRegularFile(p)) {
                throw new RestoraException(p + ": missing from the installed model " + e.id()
                        + "; remove it (restora models remove " + e.id() + ") and download it again");
            }
            try {
                if (!force && recordMatches(e, f, p)) {
                    continue;
                }
            } catch (IOException ex) {
                throw new RestoraException(p + ": cannot read (" + ex.getMessage() + ")", ex);
            }
            check(f, p, "remove it (restora models remove " + e.id() + ") and download it again");
            record(e, f, p);
        }
        return dir;
    }

    private boolean recordMatches(CatalogEntry e, ModelFile f, Path p) throws IOException {
        StoreIndex.Record r = store.index().get(key(e, f));
        return f.sha256().equalsIgnoreCase(r.sha256) && r.verifiedSize != null && r.verifiedMtime != null
                && r.verifiedSize == Files.size(p) && r.verifiedMtime == Files.getLastModifiedTime(p).toMillis();
    }

    private void record(CatalogEntry e, ModelFile f, Path p) {
        try {
            long size = Files.size(p);
            long mtime = Files.getLastModifiedTime(p).toMillis();
            store.index().update(key(e, f), r -> {
                r.fileName = e.fileName() + "/" + f.name();
                r.sha256 = f.sha256();
                r.size = size;
                r.verifiedSize = size;
                r.verifiedMtime = mtime;
                r.url = f.url();
                r.storedAt = r.storedAt != null ? r.storedAt : Instant.now().toString();
            });
        } catch (IOException ex) {
            throw new RestoraException(p + ": cannot read (" + ex.getMessage() + ")", ex);
        }
    }

    /** SHA-256 of the files' {@code sha256sum} lines ("hash  name\n" each, in catalog order). */
    static String manifestSha256(List<ModelFile> files) {
        String lines = files.stream().map(f -> f.sha256() + "  " + f.name() + "\n").collect(Collectors.joining());
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(lines.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static String key(CatalogEntry e, ModelFile f) {
        return e.id() + "/" + f.name();
    }

    private static void check(ModelFile f, Path p, String advice) {
        long size;
        try {
            size = Files.size(p);
        } catch (IOException ex) {
            throw new RestoraException(p + ": cannot read (" + ex.getMessage() + ")", ex);
        }
        if (size != f.sizeBytes()) {
            throw new RestoraException(p + ": should be " + f.sizeBytes() + " bytes but is " + size + "; " + advice);
        }
        String sha = ModelStore.sha256(p);
        if (!sha.equalsIgnoreCase(f.sha256())) {
            throw new RestoraException(p + ": SHA-256 mismatch: the file has " + sha + " but the catalog expects "
                    + f.sha256() + " (corrupt, or not the official file); " + advice);
        }
    }

    /** The per-file catalog of the staging store: each file an entry named after it, pinned as published. */
    private static ModelCatalog stagingCatalog(CatalogEntry e, List<ModelFile> files) {
        ModelCatalog c = new ModelCatalog();
        for (ModelFile f : files) {
            c.add(new CatalogEntry(f.name(), f.name(), f.url(), f.sizeBytes(), f.sha256(), e.licence(), false,
                    e.id() + ": " + f.name()), null);
        }
        return c;
    }

    Path download(CatalogEntry e, List<ModelFile> files, DownloadListener listener, CancellationToken token) {
        if (Files.isDirectory(folder(e))) {
            return require(e, files, false);
        }
        if (store.isOffline()) {
            throw new RestoraException("offline mode is on (" + ModelStore.OFFLINE_PROPERTY + "=true): cannot download "
                    + e.id() + ".\n  Fetch these files on a connected machine:\n"
                    + files.stream().map(f -> "    " + f.url()).collect(Collectors.joining("\n"))
                    + "\n  put them in one folder and run: restora models import " + e.id() + " FOLDER");
        }
        CancellationToken t = token != null ? token : new CancellationToken();
        if (running.putIfAbsent(e.id(), t) != null) {
            throw new RestoraException(e.id() + " is already downloading");
        }
        try {
            Path stage = staging(e);
            ModelStore staged = store.sibling(stagingCatalog(e, files), stage);
            long done = 0;
            for (ModelFile f : files) {
                long before = done;
                staged.download(f.name(), p -> listener.progress(new DownloadProgress(e.id(), before + p.bytes(),
                        e.sizeBytes() > 0 ? e.sizeBytes() : -1, p.bytesPerSecond())), t);
                done += f.sizeBytes();
            }
            return install(e, files, stage);
        } finally {
            running.remove(e.id(), t);
        }
    }

    /** Copies the files from a local folder (e.g. {@code <npm package>/models/x4}), verifies them, installs. */
    Path importFolder(CatalogEntry e, List<ModelFile> files, Path source) {
        if (!Files.isDirectory(source)) {
            throw new RestoraException(source + ": " + e.id() + " is a model of " + files.size()
                    + " files; import the folder that holds them ("
                    + files.stream().map(ModelFile::name).collect(Collectors.joining(", ")) + ")");
        }
        if (Files.isDirectory(folder(e))) {
            throw new RestoraException(folder(e) + ": " + e.id() + " is installed already; remove it first"
                    + " (restora models remove " + e.id() + ")");
        }
        Path stage = staging(e);
        ModelStore staged = store.sibling(stagingCatalog(e, files), stage);
        for (ModelFile f : files) {
            staged.importFile(f.name(), source.resolve(f.name()));
        }
        return install(e, files, stage);
    }

    /** Leaves only the model's files in the staging folder and renames it into place. */
    private Path install(CatalogEntry e, List<ModelFile> files, Path stage) {
        Path target = folder(e);
        try {
            deleteTree(stage.resolve(ModelStore.PARTIAL_DIR));
            Files.deleteIfExists(stage.resolve(StoreIndex.FILE_NAME));
            for (ModelFile f : files) {
                check(f, stage.resolve(f.name()), "the download was deleted");
            }
            try {
                Files.move(stage, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException ex) {
                Files.move(stage, target);
            }
        } catch (RestoraException ex) {
            deleteQuietly(stage);
            throw ex;
        } catch (IOException ex) {
            throw new RestoraException(target + ": cannot install into the model store (" + ex.getMessage() + ")", ex);
        }
        for (ModelFile f : files) {
            record(e, f, target.resolve(f.name()));
        }
        return target;
    }

    boolean cancel(String id) {
        CancellationToken t = running.get(id);
        if (t == null) {
            return false;
        }
        t.cancel();
        return true;
    }

    boolean isDownloading(String id) {
        return running.containsKey(id);
    }

    boolean remove(CatalogEntry e, List<ModelFile> files) {
        if (running.containsKey(e.id())) {
            throw new RestoraException(e.id() + " is downloading; cancel the download first");
        }
        boolean any = Files.exists(folder(e)) || Files.exists(staging(e));
        try {
            deleteTree(folder(e));
            deleteTree(staging(e));
        } catch (IOException ex) {
            throw new RestoraException(folder(e) + ": cannot delete (" + ex.getMessage() + ")", ex);
        }
        for (ModelFile f : files) {
            store.index().update(key(e, f), r -> {
                r.verifiedSize = null;
                r.verifiedMtime = null;
            });
        }
        return any;
    }

    RestoraException missing(CatalogEntry e, List<ModelFile> files) {
        return new RestoraException("model " + e.id() + " (" + files.size() + " files"
                + (e.description() != null ? ": " + e.description() : "") + ") is not in the model store.\n"
                + "  Run: restora models download " + e.id() + "\n"
                + "  or fetch these files into one folder and run: restora models import " + e.id() + " FOLDER\n"
                + files.stream().map(f -> "    " + f.url()).collect(Collectors.joining("\n")));
    }

    private static void deleteQuietly(Path p) {
        try {
            deleteTree(p);
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** Deletes a folder and what is in it (links themselves, never their targets). */
    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
