package dev.restora.core.models;

import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.CancelledException;
import dev.restora.core.engine.AppDirs;
import dev.restora.core.io.AtomicFiles;
import dev.restora.core.net.HttpTransfer;
import dev.restora.core.net.TransferException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local store of weight files: {@code <app data>/models} by default (system property {@value #DIR_PROPERTY}
 * or the constructor argument override it).
 *
 * <p>A download goes to {@code .partial/<file>.part} inside the store through {@link HttpTransfer} (resumed with an
 * HTTP {@code Range} request after a dropped connection, within one call up to {@link #setMaxAttempts} attempts and
 * across calls and restarts; restarted from zero when the server ignores the range or the file changed; Google
 * Drive's confirmation page followed, any other web page reported with the address to open in a browser), and is
 * verified (size, SHA-256, tensor structure) before it is moved atomically to its final place: the final path only
 * ever holds a complete, verified file. Where the catalog has no SHA-256, the hash of the first download or import
 * is recorded in the store index and a later file that differs is refused.
 *
 * <p>HTTP goes through {@link HttpClient} with {@link ProxySelector#getDefault()}, so {@code -Dhttps.proxyHost},
 * {@code -Dhttp.nonProxyHosts} and (with {@code -Djava.net.useSystemProxies=true}) the OS settings apply. In offline
 * mode ({@value #OFFLINE_PROPERTY}{@code =true}) or without a network, a download fails at once with a message
 * naming the file, its URL and the exact path to put it at.
 */
public final class ModelStore implements ModelResolver {
    public static final String DIR_PROPERTY = "restora.models.dir";
    public static final String OFFLINE_PROPERTY = "restora.offline";
    static final String PARTIAL_DIR = ".partial";
    private static final Logger LOG = LoggerFactory.getLogger(ModelStore.class);

    private final ModelCatalog catalog;
    private final Path dir;
    private final StoreIndex index;
    private final Map<String, CancellationToken> running = new ConcurrentHashMap<>();
    private final HttpTransfer transfer;
    private volatile Boolean offline;
    private volatile TensorInspector inspector = TensorInspector.CHECKPOINT;
    private final MultiFileInstaller multiFile = new MultiFileInstaller(this);

    /** A store in the default folder ({@link #defaultDirectory()}). */
    public ModelStore(ModelCatalog catalog) {
        this(catalog, null);
    }

    /** A store in {@code directory}, or in the default folder when it is null. */
    public ModelStore(ModelCatalog catalog, Path directory) {
        this(catalog, directory, new HttpTransfer());
    }

    private ModelStore(ModelCatalog catalog, Path directory, HttpTransfer transfer) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.dir = (directory != null ? directory : defaultDirectory()).toAbsolutePath().normalize();
        this.index = new StoreIndex(dir);
        this.transfer = transfer;
    }

    /** {@value #DIR_PROPERTY} when set, else {@code <app data>/models} ({@link AppDirs}, {@code -Drestora.home}). */
    public static Path defaultDirectory() {
        String p = System.getProperty(DIR_PROPERTY);
        return p != null && !p.isBlank() ? Path.of(p) : AppDirs.current().models();
    }

    // ------------------------------------------------------------------ configuration

    /** Forces offline mode on or off; null (the default) reads {@value #OFFLINE_PROPERTY} at each download. */
    public ModelStore setOffline(Boolean offline) {
        this.offline = offline;
        return this;
    }

    public boolean isOffline() {
        Boolean o = offline;
        return o != null ? o : Boolean.getBoolean(OFFLINE_PROPERTY);
    }

    /** Attempts per download call before giving up (each after the first resumes where the last stopped). */
    public ModelStore setMaxAttempts(int attempts) {
        transfer.setMaxAttempts(attempts);
        return this;
    }

    /**
     * How long a connection may stay silent (no answer, or no body bytes) before it is dropped and the download
     * resumed with a new request (default 60 s).
     */
    public ModelStore setIdleTimeout(Duration timeout) {
        transfer.setIdleTimeout(timeout);
        return this;
    }

    public ModelStore setRetryDelay(Duration delay) {
        transfer.setRetryDelay(delay);
        return this;
    }

    /** The HTTP client to use; by default one with the system proxy selector, redirects followed, HTTP/1.1. */
    public ModelStore setHttpClient(HttpClient client) {
        transfer.setHttpClient(client);
        return this;
    }

    /**
     * Lists a checkpoint's tensors for the {@link ExpectedStructure} check (default {@link TensorInspector#CHECKPOINT});
     * null skips the check.
     */
    public ModelStore setTensorInspector(TensorInspector inspector) {
        this.inspector = inspector;
        return this;
    }

    public Path directory() {
        return dir;
    }

    public ModelCatalog catalog() {
        return catalog;
    }

    StoreIndex index() {
        return index;
    }

    /** A store over {@code directory} with this one's network settings (for a multi-file entry's staging folder). */
    ModelStore sibling(ModelCatalog otherCatalog, Path directory) {
        ModelStore s = new ModelStore(otherCatalog, directory, transfer);
        s.offline = offline;
        s.inspector = null;
        return s;
    }

    // ------------------------------------------------------------------ queries

    /** The final location of an entry's file (whether or not it is there). */
    public Path pathOf(String id) {
        return dir.resolve(catalog.require(id).fileName());
    }

    private Path partOf(CatalogEntry e) {
        return dir.resolve(PARTIAL_DIR).resolve(e.fileName() + ".part");
    }

    private Path partMetaOf(CatalogEntry e) {
        return HttpTransfer.metaOf(partOf(e));
    }

    public ModelStatus status(String id) {
        CatalogEntry e = catalog.require(id);
        if (!catalog.files(id).isEmpty()) {
            return multiFile.status(e, catalog.files(id));
        }
        Path p = dir.resolve(e.fileName());
        try {
            if (Files.isRegularFile(p)) {
                return verifiedRecordMatches(e, p) ? ModelStatus.VERIFIED : ModelStatus.PRESENT;
            }
            return Files.isRegularFile(partOf(e)) ? ModelStatus.PARTIAL : ModelStatus.MISSING;
        } catch (IOException ex) {
            return ModelStatus.MISSING;
        }
    }

    /** Every catalog entry with its state in the store. */
    public List<ModelInfo> list() {
        List<ModelInfo> out = new ArrayList<>();
        for (CatalogEntry e : catalog.entries()) {
            ModelStatus s = status(e.id());
            Path p = dir.resolve(e.fileName());
            long bytes = 0;
            try {
                bytes = !catalog.files(e.id()).isEmpty() ? multiFile.localBytes(e)
                        : s == ModelStatus.MISSING ? 0 : s == ModelStatus.PARTIAL ? Files.size(partOf(e)) : Files.size(p);
            } catch (IOException ignored) {
                // raced with a removal: report 0
            }
            out.add(new ModelInfo(e, s, p, bytes, expectedSha(e), isAccepted(e.id())));
        }
        return out;
    }

    // ------------------------------------------------------------------ licence

    /** True when the entry needs no acceptance or its current licence text was accepted. */
    public boolean isAccepted(String id) {
        CatalogEntry e = catalog.require(id);
        if (!e.mustAccept()) {
            return true;
        }
        StoreIndex.Record r = index.get(id);
        return r.licenceAcceptedAt != null && sha256(licenceText(e)).equals(r.licenceSha256);
    }

    /** Records that the user accepted the entry's licence (a changed licence text must be accepted again). */
    public void accept(String id) {
        CatalogEntry e = catalog.require(id);
        index.update(id, r -> {
            r.fileName = e.fileName();
            r.licenceAcceptedAt = Instant.now().toString();
            r.licenceSha256 = sha256(licenceText(e));
        });
    }

    private static String licenceText(CatalogEntry e) {
        return e.licence() == null ? "" : e.licence();
    }

    // ------------------------------------------------------------------ resolve

    /**
     * The verified local file. A file verified before and unchanged since (same size and modification time) is not
     * hashed again. Missing: a {@link RestoraException} naming the file, its URL and where to put it.
     */
    @Override
    public Path require(String id) {
        CatalogEntry e = catalog.require(id);
        if (!catalog.files(id).isEmpty()) {
            return multiFile.require(e, catalog.files(id), false);
        }
        Path p = dir.resolve(e.fileName());
        if (!Files.isRegularFile(p)) {
            throw missing(e);
        }
        try {
            if (verifiedRecordMatches(e, p)) {
                return p;
            }
        } catch (IOException ex) {
            throw new RestoraException(p + ": cannot read (" + ex.getMessage() + ")", ex);
        }
        checkAndRecord(e, p, "verified");
        return p;
    }

    /**
     * Hashes and checks the entry's file now, whatever was recorded; returns its SHA-256 (for a multi-file entry,
     * every file is checked against its pinned hash and the SHA-256 of the list "hash, two spaces, name" per line,
     * as sha256sum prints it, is returned).
     */
    public String verify(String id) {
        CatalogEntry e = catalog.require(id);
        if (!catalog.files(id).isEmpty()) {
            multiFile.require(e, catalog.files(id), true);
            return MultiFileInstaller.manifestSha256(catalog.files(id));
        }
        Path p = dir.resolve(e.fileName());
        if (!Files.isRegularFile(p)) {
            throw missing(e);
        }
        return checkAndRecord(e, p, "verified");
    }

    private String checkAndRecord(CatalogEntry e, Path p, String source) {
        String sha = check(e, p, p.toString(), "remove it (restora models remove " + e.id() + ") and download it again");
        recordVerified(e, p, sha, source);
        return sha;
    }

    private boolean verifiedRecordMatches(CatalogEntry e, Path p) throws IOException {
        StoreIndex.Record r = index.get(e.id());
        if (r.verifiedSize == null || r.verifiedMtime == null || r.sha256 == null) {
            return false;
        }
        if (e.sha256() != null && !e.sha256().equalsIgnoreCase(r.sha256)) {
            return false;
        }
        return r.verifiedSize == Files.size(p) && r.verifiedMtime == Files.getLastModifiedTime(p).toMillis();
    }

    private void recordVerified(CatalogEntry e, Path p, String sha, String source) {
        try {
            long size = Files.size(p);
            long mtime = Files.getLastModifiedTime(p).toMillis();
            index.update(e.id(), r -> {
                r.fileName = e.fileName();
                r.sha256 = sha;
                r.size = size;
                r.verifiedSize = size;
                r.verifiedMtime = mtime;
                if (!"verified".equals(source)) {
                    r.source = source;
                    r.url = e.url();
                    r.storedAt = Instant.now().toString();
                }
            });
        } catch (IOException ex) {
            throw new RestoraException(p + ": cannot read (" + ex.getMessage() + ")", ex);
        }
    }

    private String expectedSha(CatalogEntry e) {
        if (e.sha256() != null && !e.sha256().isBlank()) {
            return e.sha256().toLowerCase(Locale.ROOT);
        }
        return index.get(e.id()).sha256;
    }

    /**
     * Size, SHA-256 and structure of {@code file} against the entry; returns the hash. {@code label} names the file
     * in messages, {@code advice} says what to do.
     */
    private String check(CatalogEntry e, Path file, String label, String advice) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException ex) {
            throw new RestoraException(label + ": cannot read (" + ex.getMessage() + ")", ex);
        }
        if (e.sizeBytes() > 0 && size != e.sizeBytes()) {
            throw new RestoraException(label + ": " + e.fileName() + " should be " + e.sizeBytes() + " bytes but is "
                    + size + " bytes (truncated or not the official file); " + advice);
        }
        String sha = sha256(file);
        String expected = expectedSha(e);
        if (expected != null && !expected.equalsIgnoreCase(sha)) {
            boolean fromCatalog = e.sha256() != null && !e.sha256().isBlank();
            throw new RestoraException(label + ": SHA-256 mismatch for " + e.fileName() + ": the file has " + sha
                    + " but " + (fromCatalog ? "the catalog expects " : "the hash recorded when it was first stored is ")
                    + expected + " (corrupt, or not the official file); " + advice);
        }
        ExpectedStructure structure = catalog.structure(e.id()).orElse(null);
        TensorInspector insp = inspector;
        if (structure != null && insp != null) {
            Map<String, List<Long>> tensors;
            try {
                tensors = insp.tensors(file);
            } catch (RestoraException ex) {
                throw new RestoraException(label + ": " + e.fileName() + " is not a readable checkpoint ("
                        + ex.getMessage() + "); " + advice, ex);
            }
            List<String> problems = structure.problems(tensors);
            if (!problems.isEmpty()) {
                throw new RestoraException(label + ": " + e.fileName() + " does not hold the expected model ("
                        + String.join("; ", problems) + "); " + advice);
            }
        }
        return sha;
    }

    // ------------------------------------------------------------------ import and remove

    /** Copies a local file into the store, verifies it and moves it into place; returns the store path. */
    public Path importFile(String id, Path source) {
        CatalogEntry e = catalog.require(id);
        if (!catalog.files(id).isEmpty()) {
            return multiFile.importFolder(e, catalog.files(id), source);
        }
        if (!Files.isRegularFile(source)) {
            throw new RestoraException(source + ": no such file to import as " + e.fileName());
        }
        Path target = dir.resolve(e.fileName());
        Path tmp = null;
        try {
            Files.createDirectories(dir.resolve(PARTIAL_DIR));
            tmp = Files.createTempFile(dir.resolve(PARTIAL_DIR), e.fileName() + ".", ".import");
            Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
            String sha = check(e, tmp, source.toString(), "it was not imported");
            AtomicFiles.moveIntoPlace(tmp, target);
            recordVerified(e, target, sha, "import");
            return target;
        } catch (IOException ex) {
            throw new RestoraException(source + ": cannot import into " + target + " (" + ex.getMessage() + ")", ex);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /**
     * Deletes the entry's file and any partial download; {@code forgetHash} also forgets the SHA-256 recorded on
     * first download (needed when the publisher replaced the file). Returns whether anything was deleted.
     */
    public boolean remove(String id, boolean forgetHash) {
        CatalogEntry e = catalog.require(id);
        if (!catalog.files(id).isEmpty()) {
            return multiFile.remove(e, catalog.files(id));
        }
        if (running.containsKey(id)) {
            throw new RestoraException(e.fileName() + " is downloading; cancel the download first");
        }
        boolean any;
        try {
            any = Files.deleteIfExists(dir.resolve(e.fileName()));
            any |= Files.deleteIfExists(partOf(e));
            Files.deleteIfExists(partMetaOf(e));
        } catch (IOException ex) {
            throw new RestoraException(dir.resolve(e.fileName()) + ": cannot delete (" + ex.getMessage() + ")", ex);
        }
        index.update(id, r -> {
            r.verifiedSize = null;
            r.verifiedMtime = null;
            if (forgetHash) {
                r.sha256 = null;
            }
        });
        return any;
    }

    // ------------------------------------------------------------------ download

    public Path download(String id, DownloadListener listener) {
        return download(id, listener, new CancellationToken());
    }

    /** True when a download of the entry is running (in this process). */
    public boolean isDownloading(String id) {
        return running.containsKey(id) || multiFile.isDownloading(id);
    }

    /** Cancels a running download of the entry (from any thread); the partial file is kept for a later resume. */
    public boolean cancel(String id) {
        CancellationToken token = running.get(id);
        if (token == null) {
            return multiFile.cancel(id);
        }
        transfer.abort(token);
        return true;
    }

    /**
     * Downloads the entry (resuming a partial download), verifies it and moves it into place; returns the store path.
     * A file already there is verified and returned without a download.
     *
     * @throws CancelledException when {@code token} or {@link #cancel} stopped it (the partial file stays, resumable)
     * @throws RestoraException   for everything the user must act on (licence, offline, HTTP error, bad hash)
     */
    public Path download(String id, DownloadListener listener, CancellationToken token) {
        CatalogEntry e = catalog.require(id);
        Path target = dir.resolve(e.fileName());
        DownloadListener l = listener != null ? listener : DownloadListener.NONE;
        if (Files.isRegularFile(target)) {
            return require(id);
        }
        List<ModelFile> files = catalog.files(id);
        if (e.mustAccept() && !isAccepted(id)) {
            throw new RestoraException(e.fileName() + " (" + e.id() + ") is published under a licence that must be"
                    + " accepted before it is downloaded: " + licenceText(e) + "\nAccept it with: restora models accept "
                    + e.id());
        }
        if (!files.isEmpty()) {
            return multiFile.download(e, files, l, token);
        }
        if (e.url() == null || e.url().isBlank()) {
            throw new RestoraException(e.fileName() + " (" + e.id() + ") has no download address; put the file at "
                    + target + " or run: restora models import " + e.id() + " FILE");
        }
        if (isOffline()) {
            throw manual(e, "offline mode is on (" + OFFLINE_PROPERTY + "=true)");
        }
        CancellationToken tk = token != null ? token : new CancellationToken();
        if (running.putIfAbsent(id, tk) != null) {
            throw new RestoraException(e.fileName() + " is already downloading");
        }
        Path part = partOf(e);
        Path lockFile = part.resolveSibling(e.fileName() + ".lock");
        try {
            Files.createDirectories(part.getParent());
            try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = tryLock(lockChannel)) {
                if (lock == null) {
                    throw new RestoraException(e.fileName() + " is being downloaded by another Restora process");
                }
                fetch(e, part, l, tk);
                String sha;
                try {
                    sha = check(e, part, e.url(), "the download was deleted");
                } catch (RestoraException bad) {
                    deleteQuietly(part);
                    deleteQuietly(partMetaOf(e));
                    throw bad;
                }
                AtomicFiles.moveIntoPlace(part, target);
                deleteQuietly(partMetaOf(e));
                recordVerified(e, target, sha, "download");
                LOG.info("downloaded {} ({} bytes, sha256 {})", target, Files.size(target), sha);
                return target;
            } finally {
                deleteQuietly(lockFile);
            }
        } catch (IOException ex) {
            throw new RestoraException(target + ": cannot write into the model store (" + ex.getMessage() + ")", ex);
        } finally {
            running.remove(id, tk);
        }
    }

    /** Fetches the whole file into {@code part} through {@link HttpTransfer}, turning its failures into advice. */
    private void fetch(CatalogEntry e, Path part, DownloadListener l, CancellationToken token) throws IOException {
        try {
            transfer.fetch(URI.create(e.url()), part, e.sizeBytes(),
                    (bytes, total, speed) -> l.progress(new DownloadProgress(e.id(), bytes, total, speed)), token);
        } catch (TransferException t) {
            Path target = dir.resolve(e.fileName());
            throw switch (t.kind()) {
                case NO_NETWORK -> manual(e, t.getMessage());
                case GAVE_UP -> new RestoraException("download of " + e.fileName() + " from " + e.url() + " "
                        + t.getMessage() + "; " + t.bytesKept() + " bytes are kept in " + part
                        + " and the next download resumes from there", t);
                case HTTP_STATUS -> new RestoraException("download of " + e.fileName() + " failed: the server answered"
                        + " HTTP " + t.status() + " for " + e.url() + "; fetch it by hand and put it at " + target
                        + " (or run: restora models import " + e.id() + " FILE)", t);
                case WEB_PAGE -> new RestoraException(webPage(e, target), t);
            };
        }
    }

    /** The one sentence for a web page that arrived where a weight file was expected. */
    private static String webPage(CatalogEntry e, Path target) {
        return e.url() + " answered with a web page instead of " + e.fileName() + "; open that address in a browser,"
                + " download the file and put it at " + target + " (or run: restora models import " + e.id()
                + " FILE)";
    }

    private static FileLock tryLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException ex) {
            return null;
        }
    }

    private RestoraException missing(CatalogEntry e) {
        return new RestoraException("model file " + e.fileName() + " (" + e.id()
                + (e.description() != null && !e.description().isBlank() ? ": " + e.description() : "")
                + ") is not in the model store.\n  Download it from: " + e.url()
                + "\n  and put it at: " + dir.resolve(e.fileName())
                + "\n  or run: restora models download " + e.id() + "   (or: restora models import " + e.id() + " FILE)"
                + (e.mustAccept() ? "\n  Its licence must be accepted first: restora models accept " + e.id() : ""));
    }

    private RestoraException manual(CatalogEntry e, String reason) {
        return new RestoraException(reason + ": cannot download " + e.fileName() + " (" + e.id() + ").\n"
                + "  Fetch it on a connected machine from: " + e.url() + "\n"
                + "  and put it at: " + dir.resolve(e.fileName()) + "\n"
                + "  (or run: restora models import " + e.id() + " FILE)");
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    /** SHA-256 of a file, lower-case hex. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        } catch (IOException ex) {
            throw new RestoraException(file + ": cannot read (" + ex.getMessage() + ")", ex);
        }
    }

    /** SHA-256 of everything left in a stream (not closed), lower-case hex; for files on other file systems. */
    public static String sha256(InputStream in) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) >= 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
