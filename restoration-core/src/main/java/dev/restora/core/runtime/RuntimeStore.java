package dev.restora.core.runtime;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.restora.core.RestoraException;
import dev.restora.core.engine.AppDirs;
import dev.restora.core.io.AtomicFiles;
import dev.restora.core.models.ModelStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where GPU runtimes live and which one is in use, under {@code <data folder>/runtime}:
 * <ul>
 *   <li>{@code pytorch/<version>-<flavor>-<classifier>/}: installed runtimes, each with its manifest
 *       {@value #MANIFEST} (every file's size and SHA-256);</li>
 *   <li>{@code downloads/...}: compressed files of an install in progress (kept so the next install resumes);</li>
 *   <li>{@code .staging-*}: an install being unpacked; never used, deleted when the store is next opened (a crash
 *       before the commit leaves nothing half-installed);</li>
 *   <li>{@value #SELECTED}: the runtime to start on, {@value #FAILED}: why the last one was set aside;</li>
 *   <li>{@code loading-<pid>}: written while a process loads the selected runtime, deleted once it loaded; one left
 *       by a process that is gone means the runtime killed it.</li>
 * </ul>
 */
public final class RuntimeStore {
    public static final String MANIFEST = "restora-runtime.json";
    static final String SELECTED = "selected.json";
    static final String FAILED = "failed.txt";
    /** The selected runtime's folder as plain text, for the Windows launcher (it puts it on PATH). */
    static final String LIBRARY_PATH_FILE = "library-path.txt";
    static final String STAGING_PREFIX = ".staging-";
    static final String LOADING_PREFIX = "loading-";
    private static final Logger LOG = LoggerFactory.getLogger(RuntimeStore.class);
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    private final Path root;

    private RuntimeStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The store of the data folder; staging folders left by an interrupted install are deleted. */
    public static RuntimeStore open(AppDirs dirs) {
        RuntimeStore s = new RuntimeStore(dirs.home().resolve("runtime"));
        s.cleanStaging();
        return s;
    }

    public Path root() {
        return root;
    }

    /** Where an installed runtime of this flavor lives. */
    public Path installFolder(String flavor, RuntimePlatform platform) {
        return root.resolve("pytorch").resolve(RuntimePlatform.PYTORCH_VERSION + "-" + flavor + "-"
                + platform.classifier());
    }

    /** Where the compressed files of an install are downloaded (kept until it is committed, for a resume). */
    public Path downloads(String flavor, RuntimePlatform platform) {
        return root.resolve("downloads").resolve(RuntimePlatform.PYTORCH_VERSION + "-" + flavor + "-"
                + platform.classifier());
    }

    /** A new, empty staging folder. */
    Path newStaging() throws IOException {
        Files.createDirectories(root);
        return Files.createTempDirectory(root, STAGING_PREFIX);
    }

    private void cleanStaging() {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, STAGING_PREFIX + "*")) {
            for (Path p : ds) {
                LOG.info("deleting {} left by an interrupted install", p);
                deleteTree(p);
            }
        } catch (IOException e) {
            LOG.warn("cannot clean staging folders in {}: {}", root, e.getMessage());
        }
    }

    // ------------------------------------------------------------------ selection

    /** The runtime to start on, if any. */
    public Optional<NativeRuntime> selected() {
        Path f = root.resolve(SELECTED);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(GSON.fromJson(Files.readString(f, StandardCharsets.UTF_8), Json.class).toRuntime());
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read {}: {}", f, e.getMessage());
            return Optional.empty();
        }
    }

    /** Starts on this runtime from the next start on (and forgets an earlier failure). */
    public void select(NativeRuntime rt) {
        try {
            AtomicFiles.writeString(root.resolve(SELECTED), GSON.toJson(Json.of(rt)));
            AtomicFiles.writeString(root.resolve(LIBRARY_PATH_FILE), rt.folder().toString());
            Files.deleteIfExists(root.resolve(FAILED));
        } catch (IOException e) {
            throw new RestoraException("cannot write " + root.resolve(SELECTED) + ": " + e.getMessage(), e);
        }
    }

    /** Back to the bundled CPU runtime. Returns whether a runtime was selected. */
    public boolean deselect() {
        try {
            Files.deleteIfExists(root.resolve(LIBRARY_PATH_FILE));
            return Files.deleteIfExists(root.resolve(SELECTED));
        } catch (IOException e) {
            throw new RestoraException("cannot delete " + root.resolve(SELECTED) + ": " + e.getMessage(), e);
        }
    }

    /** Sets the selected runtime aside (the next starts use the bundled CPU runtime) and records why. */
    public void markFailed(String reason) {
        try {
            deselect();
            AtomicFiles.writeString(root.resolve(FAILED), reason);
        } catch (IOException e) {
            LOG.warn("cannot record the runtime failure in {}: {}", root, e.getMessage());
        }
    }

    /** Why the last selected runtime was set aside, if it was. */
    public Optional<String> failure() {
        try {
            Path f = root.resolve(FAILED);
            return Files.isRegularFile(f) ? Optional.of(Files.readString(f, StandardCharsets.UTF_8).trim())
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    // ------------------------------------------------------------------ load markers

    Path loadingMarker(long pid) {
        return root.resolve(LOADING_PREFIX + pid);
    }

    /** Markers of processes that are gone: they died while loading the selected runtime. */
    List<Path> deadLoadingMarkers() {
        List<Path> dead = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return dead;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, LOADING_PREFIX + "*")) {
            for (Path p : ds) {
                long pid;
                try {
                    pid = Long.parseLong(p.getFileName().toString().substring(LOADING_PREFIX.length()));
                } catch (NumberFormatException e) {
                    continue;
                }
                boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                if (!alive) {
                    dead.add(p);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", root, e.getMessage());
        }
        return dead;
    }

    // ------------------------------------------------------------------ manifests and checks

    /** The manifest of an installed runtime folder. */
    public static Optional<NativeRuntime> readManifest(Path folder) {
        Path f = folder.resolve(MANIFEST);
        try {
            return Files.isRegularFile(f)
                    ? Optional.of(GSON.fromJson(Files.readString(f, StandardCharsets.UTF_8), Json.class).toRuntime())
                    : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static void writeManifest(NativeRuntime rt, Path into) throws IOException {
        AtomicFiles.writeString(into.resolve(MANIFEST), GSON.toJson(Json.of(rt)));
    }

    /** Fast check at every start: the folder and every recorded file, with its recorded size. */
    public static List<String> quickCheck(NativeRuntime rt) {
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(rt.folder())) {
            problems.add("the folder " + rt.folder() + " is gone");
            return problems;
        }
        for (Map.Entry<String, NativeRuntime.FileRecord> e : rt.files().entrySet()) {
            Path f = rt.folder().resolve(e.getKey());
            try {
                if (!Files.isRegularFile(f)) {
                    problems.add(e.getKey() + " is missing");
                } else if (Files.size(f) != e.getValue().size()) {
                    problems.add(e.getKey() + " is " + Files.size(f) + " bytes instead of " + e.getValue().size());
                }
            } catch (IOException ex) {
                problems.add(e.getKey() + " cannot be read (" + ex.getMessage() + ")");
            }
        }
        return problems;
    }

    /** Full check: sizes and the SHA-256 of every recorded file; empty when all match. */
    public static List<String> verify(NativeRuntime rt) {
        List<String> problems = quickCheck(rt);
        if (!problems.isEmpty()) {
            return problems;
        }
        for (Map.Entry<String, NativeRuntime.FileRecord> e : rt.files().entrySet()) {
            String sha = sha256(rt.folder().resolve(e.getKey()));
            if (!sha.equalsIgnoreCase(e.getValue().sha256())) {
                problems.add(e.getKey() + " has SHA-256 " + sha + " but " + e.getValue().sha256()
                        + " was recorded when it was installed");
            }
        }
        return problems;
    }

    /** Sizes and hashes of every file in a folder (not in sub-folders), by name. */
    static Map<String, NativeRuntime.FileRecord> record(Path folder, List<String> names) throws IOException {
        Map<String, NativeRuntime.FileRecord> out = new LinkedHashMap<>();
        for (String n : names) {
            Path f = folder.resolve(n);
            out.put(n, new NativeRuntime.FileRecord(Files.size(f), sha256(f)));
        }
        return out;
    }

    static String sha256(Path file) {
        return ModelStore.sha256(file); // the one file hash of the project (lower-case hex)
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> w = Files.walk(p)) {
            for (Path x : w.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }

    /** The JSON form (paths as text). */
    private static final class Json {
        String folder;
        String version;
        String flavor;
        String classifier;
        String source;
        String origin;
        Map<String, NativeRuntime.FileRecord> files;

        static Json of(NativeRuntime rt) {
            Json j = new Json();
            j.folder = rt.folder().toString();
            j.version = rt.version();
            j.flavor = rt.flavor();
            j.classifier = rt.classifier();
            j.source = rt.source();
            j.origin = rt.origin();
            j.files = rt.files();
            return j;
        }

        NativeRuntime toRuntime() {
            return new NativeRuntime(Paths.get(folder), version, flavor, classifier, source, origin,
                    files == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(files)));
        }
    }
}
