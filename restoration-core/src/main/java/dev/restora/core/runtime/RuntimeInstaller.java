package dev.restora.core.runtime;

import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.CancelledException;
import dev.restora.core.io.AtomicFiles;
import dev.restora.core.net.HttpTransfer;
import dev.restora.core.net.TransferException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs DJL's native libtorch build of one flavor (e.g. {@code cu128}) for this machine from DJL's published layout:
 * {@code <mirror>/<version>/files.txt} lists lines such as {@code cu128/linux-x86_64/native/lib/libtorch_cuda.so.gz},
 * each fetched from {@code <mirror>/<version>/<line>}.
 *
 * <p>{@link #plan} reads the list and every file's size (HEAD) and checks the free disk space, before anything large
 * is fetched. {@link #install} downloads each file with {@link HttpTransfer} (progress, resume, proxy, cancel) into
 * {@code downloads/}, checks its size, unpacks it into a staging folder while hashing it (SHA-256 recorded in the
 * manifest, since DJL publishes no hashes), and commits the staging folder with one atomic rename: the install folder
 * only ever holds a complete runtime. The downloads are deleted after the commit.
 */
public final class RuntimeInstaller {
    /** Unpacked libraries take about this many times their gzip size (libtorch compresses ~2.5x); a margin. */
    static final int UNPACK_FACTOR = 3;
    private static final Logger LOG = LoggerFactory.getLogger(RuntimeInstaller.class);

    /** Progress of an install. */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        /** A new phase: "downloading libtorch_cuda.so.gz (3/9)", "unpacking", "checking". */
        default void phase(String what) {
        }

        /** Bytes of the whole install downloaded so far, of {@code total} (-1 when unknown). */
        default void progress(long bytes, long total, double bytesPerSecond) {
        }
    }

    /** One file of the install. */
    public record Item(String line, URI uri, String fileName, long size) {
    }

    /**
     * What an install will fetch and whether it fits.
     *
     * @param downloadBytes the sum of the compressed sizes (-1 when a size is unknown)
     * @param neededBytes   the disk space the install needs (downloads plus unpacked libraries, an estimate)
     * @param freeBytes     the usable space where it goes
     */
    public record Plan(String flavor, URI mirror, List<Item> items, long downloadBytes, long neededBytes,
                       long freeBytes, Path target) {
        public boolean fits() {
            return neededBytes < 0 || freeBytes < 0 || freeBytes >= neededBytes;
        }
    }

    private final RuntimeStore store;
    private final HttpTransfer transfer;
    private final RuntimePlatform platform;

    public RuntimeInstaller(RuntimeStore store, HttpTransfer transfer, RuntimePlatform platform) {
        this.store = Objects.requireNonNull(store);
        this.transfer = Objects.requireNonNull(transfer);
        this.platform = Objects.requireNonNull(platform);
    }

    public RuntimePlatform platform() {
        return platform;
    }

    /** The mirror base as a URI ending without a slash; null or blank gives DJL's own. */
    public static URI mirror(String text) {
        String t = text == null || text.isBlank() ? RuntimePlatform.DEFAULT_MIRROR : text.trim();
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        URI u;
        try {
            u = URI.create(t);
        } catch (IllegalArgumentException e) {
            throw new RestoraException("the mirror '" + text + "' is not a valid address: " + e.getMessage());
        }
        if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
            throw new RestoraException("the mirror '" + text + "' must be an http:// or https:// address");
        }
        return u;
    }

    /** The files of {@code flavor} for this machine listed in {@code files.txt}. */
    List<Item> select(URI versionBase, List<String> lines, String flavor) {
        String prefix = flavor + "/" + platform.classifier() + "/";
        List<Item> out = new ArrayList<>();
        for (String raw : lines) {
            String line = raw.trim();
            if (!line.startsWith(prefix) || !line.endsWith(".gz")) {
                continue;
            }
            String encoded = line.substring(line.lastIndexOf('/') + 1, line.length() - 3);
            String name = URLDecoder.decode(encoded, StandardCharsets.UTF_8);
            if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals("..")
                    || name.equals(RuntimeStore.MANIFEST)) {
                throw new RestoraException("files.txt at " + versionBase + " lists an unsafe file name: " + line);
            }
            out.add(new Item(line, URI.create(versionBase + "/" + line), name, -1));
        }
        return out;
    }

    /**
     * Reads {@code files.txt} and the size of every file of the flavor, and the free disk space: nothing large is
     * fetched.
     *
     * @throws RestoraException when the flavor is not published for this machine or the mirror cannot be read
     */
    public Plan plan(String flavor, URI mirror, CancellationToken token) {
        String f = flavor.toLowerCase(Locale.ROOT);
        URI versionBase = URI.create(mirror + "/" + RuntimePlatform.PYTORCH_VERSION);
        URI index = URI.create(versionBase + "/files.txt");
        Path downloads = store.downloads(f, platform);
        List<String> lines;
        try {
            Path list = downloads.resolve("files.txt.part");
            HttpTransfer.discard(list);
            transfer.fetch(index, list, -1, null, token);
            lines = Files.readAllLines(list, StandardCharsets.UTF_8);
            HttpTransfer.discard(list);
        } catch (TransferException e) {
            throw failure(index, e);
        } catch (IOException e) {
            throw new RestoraException("cannot write into " + downloads + ": " + e.getMessage(), e);
        }
        List<Item> items = select(versionBase, lines, f);
        if (items.isEmpty()) {
            throw new RestoraException("no " + f + " build of libtorch " + RuntimePlatform.PYTORCH_VERSION + " for "
                    + platform.classifier() + " is listed at " + index + " (this machine can use: "
                    + String.join(", ", platform.flavors()) + ")");
        }
        long total = 0;
        List<Item> sized = new ArrayList<>();
        for (Item it : items) {
            token.throwIfCancelled();
            long size;
            try {
                size = transfer.contentLength(it.uri(), token);
            } catch (TransferException e) {
                throw failure(it.uri(), e);
            } catch (IOException e) {
                throw new RestoraException("cannot read the size of " + it.uri() + ": " + e.getMessage(), e);
            }
            sized.add(new Item(it.line(), it.uri(), it.fileName(), size));
            total = total < 0 || size < 0 ? -1 : total + size;
        }
        long needed = total < 0 ? -1 : total * (1 + UNPACK_FACTOR);
        return new Plan(f, mirror, List.copyOf(sized), total, needed, usableSpace(store.root()),
                store.installFolder(f, platform));
    }

    /**
     * Downloads, checks, unpacks and commits the plan's files; returns the installed runtime (not yet selected).
     *
     * @throws CancelledException when cancelled (downloads are kept for a resume, the staging folder is deleted)
     * @throws RestoraException   for anything the user must act on
     */
    public NativeRuntime install(Plan plan, Listener listener, CancellationToken token) {
        Listener l = listener != null ? listener : Listener.NONE;
        if (!plan.fits()) {
            throw new RestoraException("not enough free disk space in " + store.root() + ": the "
                    + plan.flavor() + " runtime needs about " + gb(plan.neededBytes()) + " and " + gb(plan.freeBytes())
                    + " are free");
        }
        Path downloads = store.downloads(plan.flavor(), platform);
        long before = 0;
        List<Path> fetched = new ArrayList<>();
        int i = 0;
        for (Item it : plan.items()) {
            i++;
            token.throwIfCancelled();
            l.phase("downloading " + it.fileName() + " (" + i + "/" + plan.items().size() + ")");
            Path part = downloads.resolve(it.fileName() + ".gz.part");
            long done = before;
            long size;
            try {
                size = transfer.fetch(it.uri(), part, it.size(),
                        (bytes, total, speed) -> l.progress(done + bytes, plan.downloadBytes(), speed), token);
            } catch (TransferException e) {
                throw failure(it.uri(), e);
            } catch (IOException e) {
                throw new RestoraException("cannot write into " + downloads + ": " + e.getMessage(), e);
            }
            if (it.size() >= 0 && size != it.size()) {
                discardQuietly(part);
                throw new RestoraException(it.uri() + " should be " + it.size() + " bytes (as the server announced)"
                        + " but " + size + " bytes arrived; the download was deleted, run the install again");
            }
            before += size;
            fetched.add(part);
        }
        Path staging = null;
        try {
            staging = store.newStaging();
            Map<String, NativeRuntime.FileRecord> files = new LinkedHashMap<>();
            for (int k = 0; k < fetched.size(); k++) {
                token.throwIfCancelled();
                Item it = plan.items().get(k);
                l.phase("unpacking " + it.fileName() + " (" + (k + 1) + "/" + fetched.size() + ")");
                files.put(it.fileName(), gunzip(fetched.get(k), staging.resolve(it.fileName()), it, token));
            }
            List<String> missing = new ArrayList<>();
            for (String lib : platform.requiredLibraries(plan.flavor())) {
                if (!files.containsKey(lib)) {
                    missing.add(lib);
                }
            }
            if (!missing.isEmpty()) {
                throw new RestoraException("the " + plan.flavor() + " runtime at " + plan.mirror() + " lacks "
                        + String.join(", ", missing) + "; nothing was installed");
            }
            Path target = plan.target();
            NativeRuntime rt = new NativeRuntime(target, RuntimePlatform.PYTORCH_VERSION, plan.flavor(),
                    platform.classifier(), "installed", plan.mirror().toString(), files);
            RuntimeStore.writeManifest(rt, staging);
            commit(staging, target);
            staging = null;
            for (Path p : fetched) {
                discardQuietly(p);
            }
            LOG.info("installed {}", rt.describe());
            return rt;
        } catch (IOException e) {
            throw new RestoraException("cannot install the runtime into " + store.root() + ": " + e.getMessage(), e);
        } finally {
            if (staging != null) {
                try {
                    RuntimeStore.deleteTree(staging);
                } catch (IOException e) {
                    LOG.warn("cannot delete {}: {}", staging, e.getMessage());
                }
            }
        }
    }

    /** Unpacks one file while hashing what is written. */
    private static NativeRuntime.FileRecord gunzip(Path gz, Path out, Item it, CancellationToken token)
            throws IOException {
        MessageDigest md = RuntimeStore.digest();
        long n = 0;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz), 1 << 16);
             OutputStream os = new DigestOutputStream(Files.newOutputStream(out), md)) {
            byte[] buf = new byte[1 << 16];
            int r;
            while ((r = in.read(buf)) >= 0) {
                os.write(buf, 0, r);
                n += r;
                if ((n & ((1 << 24) - 1)) < r) {
                    token.throwIfCancelled();
                }
            }
        } catch (ZipException | java.io.EOFException e) {
            discardQuietly(gz);
            throw new RestoraException(it.uri() + " is not a complete gzip file (" + e.getMessage() + "); the download"
                    + " was deleted, run the install again", e);
        }
        return new NativeRuntime.FileRecord(n, HexFormat.of().formatHex(md.digest()));
    }

    /** Replaces {@code target} with the staging folder in one rename (an older install is moved aside first). */
    private static void commit(Path staging, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path old = null;
        if (Files.exists(target)) {
            old = target.resolveSibling(RuntimeStore.STAGING_PREFIX + "old-" + Long.toHexString(System.nanoTime()));
            Files.move(target, old);
        }
        AtomicFiles.moveIntoPlace(staging, target);
        if (old != null) {
            RuntimeStore.deleteTree(old);
        }
    }

    private RestoraException failure(URI uri, TransferException e) {
        return switch (e.kind()) {
            case NO_NETWORK -> new RestoraException("cannot reach " + uri.getHost() + " (" + e.getMessage() + "); check"
                    + " the network or the proxy (-Dhttps.proxyHost), or use --mirror with a reachable copy", e);
            case HTTP_STATUS -> new RestoraException("the server answered HTTP " + e.status() + " for " + uri
                    + (e.status() == 404 ? " (not published there; check --mirror)" : ""), e);
            case GAVE_UP -> new RestoraException("downloading " + uri + " " + e.getMessage() + "; " + e.bytesKept()
                    + " bytes are kept and the next install resumes from there", e);
            case WEB_PAGE -> new RestoraException(uri + " answered with a web page instead of the file; check"
                    + " --mirror (it must have DJL's layout: <base>/" + RuntimePlatform.PYTORCH_VERSION + "/files.txt)", e);
        };
    }

    private static long usableSpace(Path dir) {
        try {
            Path p = dir;
            while (p != null && !Files.exists(p)) {
                p = p.getParent();
            }
            return p == null ? -1 : Files.getFileStore(p).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Gigabytes with one decimal, e.g. "2.4 GB". */
    public static String gb(long bytes) {
        return bytes < 0 ? "an unknown amount" : String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
    }

    private static void discardQuietly(Path part) {
        try {
            HttpTransfer.discard(part);
        } catch (IOException e) {
            LOG.debug("cannot delete {}", part, e);
        }
    }
}
