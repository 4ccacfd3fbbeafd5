package dev.restora.core.runtime;

import dev.restora.core.engine.AppDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Points DJL at the selected runtime before the engine loads, and sets it aside when it does not load.
 *
 * <p>DJL reads {@code PYTORCH_LIBRARY_PATH}, {@code PYTORCH_FLAVOR} and {@code PYTORCH_VERSION} from the environment,
 * else from system properties ({@code Utils.getEnvOrSystemProperty} in DJL 0.35.1), when the engine first loads; this
 * class sets the system properties, so every start is offline and needs no launcher support. Values the user set in
 * the environment win in DJL; then the selection is not applied and a notice says why.
 *
 * <p>Failure handling, honestly: a runtime whose files changed since it was recorded (a quick size check at every
 * start) is set aside before anything loads. A load that fails with an error is reported and the app retries on the
 * bundled CPU runtime in the same process (this works when the failed runtime's already-loaded libraries are
 * compatible, as with a copy of the bundled build; after a CUDA build loaded half-way it may not, and then the next
 * start is clean). A load that kills the process (a native crash) leaves a {@code loading-<pid>} marker; the next start
 * sees it and starts on the bundled CPU runtime with a notice.
 */
public final class RuntimeActivation {
    public static final String LIBRARY_PATH = "PYTORCH_LIBRARY_PATH";
    public static final String FLAVOR = "PYTORCH_FLAVOR";
    public static final String VERSION = "PYTORCH_VERSION";
    /**
     * Names the bundled runtime's folder when a package passes it as {@code -DPYTORCH_LIBRARY_PATH} (the installers
     * load libtorch in place): a {@code PYTORCH_LIBRARY_PATH} equal to it is the bundled runtime, which the selected
     * one replaces and a failed one falls back to.
     */
    public static final String BUNDLED = "restora.libtorch.bundled";
    private static final Logger LOG = LoggerFactory.getLogger(RuntimeActivation.class);

    private static Path marker;
    private static RuntimeStore activeStore;
    private static String bundledPath;

    private RuntimeActivation() {
    }

    /**
     * What was applied.
     *
     * @param runtime the runtime DJL will load, or empty for the bundled CPU runtime
     * @param notices one sentence each, for the user (the environment overrides, a runtime set aside)
     */
    public record Result(Optional<NativeRuntime> runtime, List<String> notices) {
    }

    /** Applies the data folder's selection to the system properties, unless the user set PYTORCH_* already. */
    public static synchronized Result apply(AppDirs dirs, Map<String, String> env) {
        List<String> notices = new ArrayList<>();
        List<String> fromEnv = new ArrayList<>();
        for (String k : List.of(LIBRARY_PATH, FLAVOR, VERSION)) {
            if (env.get(k) != null) {
                fromEnv.add(k + "=" + env.get(k));
            }
        }
        RuntimeStore store = RuntimeStore.open(dirs);
        Optional<NativeRuntime> sel = store.selected();
        if (!fromEnv.isEmpty()) {
            if (sel.isPresent()) {
                notices.add("the environment sets " + String.join(", ", fromEnv) + ", which the engine reads first, so"
                        + " the runtime chosen with 'restora gpu' (" + sel.get().folder() + ") is not used; unset "
                        + (fromEnv.size() > 1 ? "them" : "it") + " to use it");
            } else {
                LOG.info("the environment sets {}", fromEnv);
            }
            return new Result(Optional.empty(), notices);
        }
        String given = System.getProperty(LIBRARY_PATH);
        if (given != null && !given.equals(System.getProperty(BUNDLED))) {
            return new Result(Optional.empty(), notices); // given explicitly (-D): the caller's choice
        }
        bundledPath = given;
        if (sel.isEmpty()) {
            return new Result(Optional.empty(), notices);
        }
        NativeRuntime rt = sel.get();
        List<Path> dead = store.deadLoadingMarkers();
        if (!dead.isEmpty()) {
            for (Path p : dead) {
                deleteQuietly(p);
            }
            return setAside(store, rt, "it stopped Restora while loading at an earlier start", notices);
        }
        List<String> problems = RuntimeStore.quickCheck(rt);
        if (!problems.isEmpty()) {
            return setAside(store, rt, "its files changed since it was set up (" + String.join("; ", problems) + ")",
                    notices);
        }
        System.setProperty(LIBRARY_PATH, rt.folder().toString());
        System.setProperty(FLAVOR, rt.flavor());
        System.setProperty(VERSION, rt.version());
        try {
            Files.createDirectories(store.root());
            marker = Files.writeString(store.loadingMarker(ProcessHandle.current().pid()), rt.folder().toString());
            // a normal exit is never a load crash, even where nothing called loaded(); a native crash skips this
            Runtime.getRuntime().addShutdownHook(new Thread(RuntimeActivation::loaded, "restora-runtime-marker"));
        } catch (IOException e) {
            LOG.warn("cannot write the load marker in {}: {}", store.root(), e.getMessage());
        }
        activeStore = store;
        LOG.info("starting on {}", rt.describe());
        return new Result(Optional.of(rt), notices);
    }

    /** The engine loaded: the selected runtime works. */
    public static synchronized void loaded() {
        if (marker != null) {
            deleteQuietly(marker);
            marker = null;
        }
    }

    /**
     * The engine failed to load the selected runtime: sets it aside for the next starts, clears the properties so a
     * retry loads the bundled CPU runtime, and returns the sentence for the user.
     */
    public static synchronized String failedToLoad(NativeRuntime rt, String error) {
        String reason = "it failed to load (" + error + ")";
        if (activeStore != null) {
            activeStore.markFailed(rt.describe() + ": " + reason);
        }
        loaded();
        if (bundledPath != null) {
            System.setProperty(LIBRARY_PATH, bundledPath);
        } else {
            System.clearProperty(LIBRARY_PATH);
        }
        System.clearProperty(FLAVOR);
        System.clearProperty(VERSION);
        return sentence(rt, reason);
    }

    private static Result setAside(RuntimeStore store, NativeRuntime rt, String reason, List<String> notices) {
        store.markFailed(rt.describe() + ": " + reason);
        notices.add(sentence(rt, reason));
        LOG.warn(notices.get(notices.size() - 1));
        return new Result(Optional.empty(), notices);
    }

    private static String sentence(NativeRuntime rt, String reason) {
        return "the " + rt.flavor() + " runtime in " + rt.folder() + " was set aside because " + reason
                + "; Restora continues on the bundled CPU runtime (see: restora gpu status)";
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.debug("cannot delete {}", p, e);
        }
    }
}
