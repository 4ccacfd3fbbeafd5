package dev.restora.core.engine;

import ai.djl.engine.Engine;
import dev.restora.core.RestoraException;
import dev.restora.core.runtime.NativeRuntime;
import dev.restora.core.runtime.RuntimeActivation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares DJL before its first use; the app, the command line and tests call {@link #configure()} once, before
 * anything touches {@code Engine} or an {@code NDManager} (DJL reads these settings when the engine loads, so a
 * later call changes nothing).
 *
 * <ul>
 *   <li>Offline, always: {@code ai.djl.offline=true}. Without it DJL's start-up sends telemetry requests and may try
 *       to download natives; Restora never downloads anything at run time except models the user asks for.</li>
 *   <li>{@code DJL_CACHE_DIR} and {@code jna.tmpdir} under the user's data folder ({@link AppDirs}), never in
 *       {@code $HOME}'s default {@code ~/.djl.ai}; values already set (tests, launchers) are kept.</li>
 *   <li>{@code PYTORCH_LIBRARY_PATH} (environment or system property) is honoured: it names a folder with
 *       libtorch and {@code <djl-version>-libdjl_torch}; installers set it so nothing is copied at start-up. A folder
 *       without libtorch is a clear error instead of a late native crash.</li>
 *   <li>The runtime chosen with {@code restora gpu install|use} ({@link RuntimeActivation}): its folder, flavor and
 *       version go to {@code PYTORCH_LIBRARY_PATH}, {@code PYTORCH_FLAVOR} and {@code PYTORCH_VERSION} as system
 *       properties (DJL reads the environment first, then these) unless the user set them; {@link #start()} falls back
 *       to the bundled CPU runtime when it does not load. Telemetry is off ({@code OPT_OUT_TRACKING=true}).</li>
 *   <li>Threads: {@code ai.djl.pytorch.num_threads} (intra-op) follows the machine's hardware threads and
 *       {@code ai.djl.pytorch.num_interop_threads} is 1 (Restora runs no TorchScript forks, the only user of the
 *       inter-op pool) unless configured by {@link Config} or already set as system properties.</li>
 *   <li>{@code ONEDNN_MAX_CPU_ISA} must be in the process <em>environment</em> before the engine loads (oneDNN reads
 *       it with getenv; a system property does nothing), so the launchers set it, e.g.
 *       {@code ONEDNN_MAX_CPU_ISA=AVX512_CORE_FP16}: on virtual machines that advertise AMX without its tile-size
 *       CPUID leaf bf16 matmuls otherwise die with SIGILL. This class only reports its absence
 *       ({@link Report#onednnAdvice()}).</li>
 *   <li>On Apple silicon {@code PYTORCH_ENABLE_MPS_FALLBACK=1} is put into the native environment
 *       ({@link ProcessEnvironment}) unless already there: libtorch reads it with getenv as it loads, and the packaged
 *       macOS app has no launcher script that could set it.</li>
 * </ul>
 */
public final class EngineSetup {
    public static final String OFFLINE = "ai.djl.offline";
    public static final String CACHE_DIR = "DJL_CACHE_DIR";
    public static final String JNA_TMP = "jna.tmpdir";
    public static final String LIBRARY_PATH = "PYTORCH_LIBRARY_PATH";
    public static final String NUM_THREADS = "ai.djl.pytorch.num_threads";
    public static final String NUM_INTEROP_THREADS = "ai.djl.pytorch.num_interop_threads";
    public static final String ONEDNN_ISA = "ONEDNN_MAX_CPU_ISA";
    public static final String OPT_OUT_TRACKING = "OPT_OUT_TRACKING";

    private static final Logger LOG = LoggerFactory.getLogger(EngineSetup.class);
    private static Report report;
    private static final List<String> NOTICES = new ArrayList<>();

    private EngineSetup() {
    }

    /**
     * Thread settings; null means "follow the machine" (or keep a value already set as a system property).
     *
     * @param intraOpThreads threads one operation may use
     * @param interOpThreads threads for running independent operations concurrently
     */
    public record Config(Integer intraOpThreads, Integer interOpThreads) {
        public static final Config DEFAULT = new Config(null, null);

        public Config {
            if (intraOpThreads != null && intraOpThreads < 1 || interOpThreads != null && interOpThreads < 1) {
                throw new IllegalArgumentException("thread counts must be at least 1");
            }
        }
    }

    /**
     * What was set up, for logs and {@code restora --version}-style listings.
     *
     * @param libraryPath   the libtorch folder from {@code PYTORCH_LIBRARY_PATH}, or null when DJL unpacks the natives
     *                      from the class path into {@code cacheDir}
     * @param onednnAdvice  a message when {@code ONEDNN_MAX_CPU_ISA} should be set and is not, else empty
     * @param runtime       the runtime chosen with {@code restora gpu}, when it is applied, else empty
     */
    public record Report(AppDirs dirs, Path cacheDir, Path jnaTmp, Path libraryPath, int intraOpThreads,
                         int interOpThreads, String onednnIsa, Optional<String> onednnAdvice,
                         Optional<NativeRuntime> runtime) {
    }

    /** {@link #configure(Config)} with the machine's defaults. */
    public static Report configure() {
        return configure(Config.DEFAULT);
    }

    /**
     * Applies the settings (idempotent: later calls return the first report, the engine reads them only once).
     *
     * @throws RestoraException when {@code PYTORCH_LIBRARY_PATH} names no libtorch folder or a folder cannot be made
     */
    public static synchronized Report configure(Config config) {
        if (report != null) {
            return report;
        }
        AppDirs dirs = AppDirs.current();
        System.setProperty(OFFLINE, "true");

        Path cache = Paths.get(firstNonBlank(System.getProperty(CACHE_DIR), System.getenv(CACHE_DIR),
                dirs.djlCache().toString()));
        System.setProperty(CACHE_DIR, cache.toString());
        Path jna = Paths.get(firstNonBlank(System.getProperty(JNA_TMP), dirs.tmp().resolve("jna").toString()));
        System.setProperty(JNA_TMP, jna.toString());
        createDirectories(cache, "the engine cache folder");
        createDirectories(jna, "the temporary folder");

        if (System.getenv(OPT_OUT_TRACKING) == null && System.getProperty(OPT_OUT_TRACKING) == null) {
            System.setProperty(OPT_OUT_TRACKING, "true");
        }
        if (NativeAllocator.configure()) {
            LOG.debug("glibc malloc: mmap threshold 32 MiB, trim threshold 512 MiB (tensors reuse freed memory)");
        }
        if (ProcessEnvironment.enableMpsFallback(DeviceChoice.mpsPossible())) {
            LOG.info("{}=1 set for Apple's GPU (operators MPS lacks run on the CPU)", ProcessEnvironment.MPS_FALLBACK);
        }
        RuntimeActivation.Result runtime = RuntimeActivation.apply(dirs, System.getenv());
        runtime.notices().forEach(EngineSetup::notice);

        Path lib = null;
        String libText = firstNonBlank(System.getProperty(LIBRARY_PATH), System.getenv(LIBRARY_PATH), null);
        if (libText != null) {
            lib = Paths.get(libText).toAbsolutePath();
            checkLibraryFolder(lib);
            System.setProperty(LIBRARY_PATH, lib.toString());
        }

        int cores = Runtime.getRuntime().availableProcessors();
        int intra = threads(NUM_THREADS, config.intraOpThreads(), cores);
        int inter = threads(NUM_INTEROP_THREADS, config.interOpThreads(), 1);

        String isa = System.getenv(ONEDNN_ISA);
        Optional<String> advice = onednnAdvice(isa, cpuFlags());
        advice.ifPresent(LOG::warn);
        report = new Report(dirs, cache, jna, lib, intra, inter, isa, advice, runtime.runtime());
        LOG.info("engine setup: offline, cache {}, jna tmp {}, libtorch {}, threads {}/{}", cache, jna,
                lib == null ? "(from the class path)" : lib, intra, inter);
        return report;
    }

    /**
     * {@link #configure()}, then loads the engine, turning a failure into a message for the user. When the runtime
     * chosen with {@code restora gpu} fails to load, it is set aside, a notice says so in one sentence and the bundled
     * CPU runtime is loaded instead (see {@link RuntimeActivation} for when that is possible in the same process).
     */
    public static synchronized Engine start() {
        configure();
        try {
            Engine e = Engine.getInstance();
            RuntimeActivation.loaded();
            return e;
        } catch (RuntimeException | LinkageError e) {
            NativeRuntime rt = report.runtime().orElse(null);
            if (rt == null) {
                throw new RestoraException("the PyTorch engine could not start: " + e.getMessage()
                        + (report.libraryPath() != null ? " (" + LIBRARY_PATH + "=" + report.libraryPath() + ")" : ""),
                        e);
            }
            String sentence = RuntimeActivation.failedToLoad(rt, rootMessage(e));
            LOG.warn(sentence, e);
            report = new Report(report.dirs(), report.cacheDir(), report.jnaTmp(), null, report.intraOpThreads(),
                    report.interOpThreads(), report.onednnIsa(), report.onednnAdvice(), Optional.empty());
            try {
                Engine engine = Engine.getInstance();
                notice(sentence);
                return engine;
            } catch (RuntimeException | LinkageError again) {
                throw new RestoraException(sentence + ", but the bundled CPU runtime could not load in this process"
                        + " after it (" + rootMessage(again) + "); start Restora again", again);
            }
        }
    }

    /** Notices for the user gathered since the last call (one sentence each), e.g. a runtime set aside. */
    public static synchronized List<String> drainNotices() {
        List<String> out = List.copyOf(NOTICES);
        NOTICES.clear();
        return out;
    }

    private static synchronized void notice(String sentence) {
        NOTICES.add(sentence);
    }

    private static String rootMessage(Throwable t) {
        String m = t.getMessage();
        for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
            if (c.getMessage() != null) {
                m = c.getMessage();
            }
        }
        return m == null ? t.getClass().getSimpleName() : m;
    }

    /** The report of the first {@link #configure} call, or null before it. */
    public static synchronized Report current() {
        return report;
    }

    private static int threads(String property, Integer configured, int fallback) {
        int n;
        if (configured != null) {
            n = configured;
        } else {
            String set = System.getProperty(property);
            n = fallback;
            if (set != null && !set.isBlank()) {
                try {
                    n = Math.max(1, Integer.parseInt(set.trim()));
                } catch (NumberFormatException e) {
                    throw new RestoraException("system property " + property + " must be a whole number, got '"
                            + set + "'");
                }
            }
        }
        System.setProperty(property, Integer.toString(n));
        return n;
    }

    static void checkLibraryFolder(Path lib) {
        if (!Files.isDirectory(lib)) {
            throw new RestoraException(LIBRARY_PATH + " names " + lib + ", which is not a folder");
        }
        try (var files = Files.list(lib)) {
            boolean hasTorch = files.map(p -> p.getFileName().toString().toLowerCase(Locale.ROOT))
                    .anyMatch(n -> n.startsWith("libtorch.") || n.equals("torch.dll") || n.startsWith("libtorch_cpu"));
            if (!hasTorch) {
                throw new RestoraException(LIBRARY_PATH + " names " + lib
                        + ", which holds no libtorch library (libtorch.so, libtorch.dylib or torch.dll)");
            }
        } catch (IOException e) {
            throw new RestoraException("cannot read " + LIBRARY_PATH + " folder " + lib + ": " + e.getMessage(), e);
        }
    }

    /** Advice when the CPU advertises AMX and {@code ONEDNN_MAX_CPU_ISA} is not in the environment. */
    static Optional<String> onednnAdvice(String isa, String cpuFlags) {
        if (isa != null && !isa.isBlank()) {
            return Optional.empty();
        }
        if (cpuFlags.contains("amx_tile") || cpuFlags.contains("amx_bf16")) {
            return Optional.of("this CPU advertises AMX; start Restora with the environment variable "
                    + ONEDNN_ISA + "=AVX512_CORE_FP16 (the launcher does this) to avoid crashes in bfloat16 matrix "
                    + "products on virtual machines without AMX tile support");
        }
        return Optional.empty();
    }

    private static String cpuFlags() {
        Path info = Paths.get("/proc/cpuinfo");
        try {
            if (Files.isReadable(info)) {
                for (String line : Files.readAllLines(info)) {
                    if (line.startsWith("flags")) {
                        return line;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot read {}", info, e);
        }
        return "";
    }

    private static void createDirectories(Path dir, String what) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new RestoraException("cannot create " + what + " " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String firstNonBlank(String a, String b, String c) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        if (b != null && !b.isBlank()) {
            return b;
        }
        return c;
    }

    private static String firstNonBlank(String a, String b) {
        return firstNonBlank(a, b, null);
    }
}
