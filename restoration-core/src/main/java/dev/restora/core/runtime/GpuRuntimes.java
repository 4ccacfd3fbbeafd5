package dev.restora.core.runtime;

import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.engine.AppDirs;
import dev.restora.core.engine.EngineSetup;
import dev.restora.core.io.AtomicFiles;
import dev.restora.core.net.HttpTransfer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The GPU runtime as the command line ({@code restora gpu}) and the studio (Settings, Device) manage it: status,
 * install (plan, download, probe, select), use of the user's own libtorch, verify and remove. Each switch takes effect
 * at the next start; a runtime is selected only after a child JVM loaded it ({@link RuntimeProbe}).
 */
public final class GpuRuntimes {
    /** The licence terms shown before an install: the user accepts them by installing. */
    public static final String LICENCE = "libtorch (PyTorch) is distributed under PyTorch's BSD-3-Clause licence"
            + " (https://github.com/pytorch/pytorch/blob/main/LICENSE). DJL's cu128 build also contains NVIDIA"
            + " libraries (CUDA runtime, cuBLAS, cuDNN, NCCL and others) redistributed under NVIDIA's licence terms:"
            + " the CUDA Toolkit EULA (https://docs.nvidia.com/cuda/eula/) and the cuDNN licence"
            + " (https://docs.nvidia.com/deeplearning/cudnn/latest/reference/eula.html). Installing it means accepting"
            + " these terms. The files come from DJL's published builds (" + RuntimePlatform.DEFAULT_MIRROR + ") or the"
            + " mirror you set; Restora records each file's SHA-256 at install and 'verify' re-checks them.";
    static final String MIRROR_FILE = "mirror.txt";

    private final AppDirs dirs;
    private final HttpTransfer transfer;
    private final RuntimePlatform platform;
    private volatile Duration probeTimeout = Duration.ofMinutes(3);

    public GpuRuntimes(AppDirs dirs, HttpTransfer transfer, RuntimePlatform platform) {
        this.dirs = dirs;
        this.transfer = transfer;
        this.platform = platform;
    }

    /** The data folder's runtimes, this machine, a default transfer. */
    public static GpuRuntimes current() {
        return new GpuRuntimes(AppDirs.current(), new HttpTransfer(), RuntimePlatform.current());
    }

    public RuntimePlatform platform() {
        return platform;
    }

    public GpuRuntimes setProbeTimeout(Duration timeout) {
        this.probeTimeout = timeout;
        return this;
    }

    private RuntimeStore store() {
        return RuntimeStore.open(dirs);
    }

    /**
     * The state for listings.
     *
     * @param inUse        what this process loaded or will load: a runtime, or empty for the bundled CPU runtime
     * @param selected     what the next start loads
     * @param failure      why the last selected runtime was set aside
     * @param installed    every runtime installed under the data folder
     * @param environment  PYTORCH_* variables of the user's environment (they override the selection)
     */
    public record Status(Optional<NativeRuntime> inUse, Optional<NativeRuntime> selected, Optional<String> failure,
                         List<NativeRuntime> installed, String mirror, List<String> environment) {
    }

    public Status status() {
        RuntimeStore s = store();
        EngineSetup.Report r = EngineSetup.current();
        Optional<NativeRuntime> inUse = r == null ? s.selected() : r.runtime();
        List<NativeRuntime> installed = new ArrayList<>();
        Path dir = s.root().resolve("pytorch");
        if (Files.isDirectory(dir)) {
            try (Stream<Path> l = Files.list(dir)) {
                l.sorted().forEach(p -> RuntimeStore.readManifest(p).ifPresent(installed::add));
            } catch (IOException e) {
                throw new RestoraException("cannot read " + dir + ": " + e.getMessage(), e);
            }
        }
        List<String> env = new ArrayList<>();
        Map<String, String> e = System.getenv();
        for (String k : List.of(RuntimeActivation.LIBRARY_PATH, RuntimeActivation.FLAVOR, RuntimeActivation.VERSION)) {
            if (e.get(k) != null) {
                env.add(k + "=" + e.get(k));
            }
        }
        return new Status(inUse, s.selected(), s.failure(), List.copyOf(installed), mirror(), List.copyOf(env));
    }

    /** The saved mirror, or DJL's own. */
    public String mirror() {
        Path f = store().root().resolve(MIRROR_FILE);
        try {
            String m = Files.isRegularFile(f) ? Files.readString(f, StandardCharsets.UTF_8).trim() : "";
            return m.isEmpty() ? RuntimePlatform.DEFAULT_MIRROR : m;
        } catch (IOException e) {
            return RuntimePlatform.DEFAULT_MIRROR;
        }
    }

    /** Saves the mirror for later installs (null or blank: DJL's own). */
    public void setMirror(String mirror) {
        Path f = store().root().resolve(MIRROR_FILE);
        try {
            if (mirror == null || mirror.isBlank()) {
                Files.deleteIfExists(f);
            } else {
                AtomicFiles.writeString(f, RuntimeInstaller.mirror(mirror).toString());
            }
        } catch (IOException e) {
            throw new RestoraException("cannot write " + f + ": " + e.getMessage(), e);
        }
    }

    /** What an install of {@code flavor} from {@code mirror} (null: the saved one) will fetch; fetches nothing large. */
    public RuntimeInstaller.Plan plan(String flavor, String mirror, CancellationToken token) {
        if (!platform.flavors().contains(flavor)) {
            throw new RestoraException("DJL publishes no " + flavor + " build of libtorch "
                    + RuntimePlatform.PYTORCH_VERSION + " for " + platform.classifier() + "; available: "
                    + String.join(", ", platform.flavors())
                    + (platform.isMac() ? " (on Apple silicon use --device mps with the bundled runtime)" : ""));
        }
        return installer().plan(flavor, RuntimeInstaller.mirror(mirror != null ? mirror : mirror()), token);
    }

    /**
     * Installs the plan, tries it in a child JVM and selects it for the next start.
     *
     * @throws RestoraException when it does not load (it stays installed, not selected)
     */
    public NativeRuntime install(RuntimeInstaller.Plan plan, RuntimeInstaller.Listener listener,
                                 CancellationToken token) {
        NativeRuntime rt = installer().install(plan, listener, token);
        if (listener != null) {
            listener.phase("trying the runtime in a new process");
        }
        probeAndSelect(rt);
        return rt;
    }

    /** Checks the user's libtorch folder, tries it and selects it for the next start. */
    public NativeRuntime use(Path dir) {
        NativeRuntime rt = UserLibtorch.check(dir, platform);
        probeAndSelect(rt);
        return rt;
    }

    private void probeAndSelect(NativeRuntime rt) {
        RuntimeProbe.Outcome o = RuntimeProbe.run(rt, dirs, probeTimeout);
        if (!o.ok()) {
            throw new RestoraException("the " + rt.flavor() + " runtime in " + rt.folder() + " did not load in a test"
                    + " process (" + o.problem() + "); it was not selected and Restora stays on its current runtime");
        }
        store().select(rt);
    }

    /** Re-hashes every file of the selected runtime (or the only installed one); problems, empty when it is intact. */
    public List<String> verify() {
        Status s = status();
        NativeRuntime rt = s.selected().orElse(s.installed().size() == 1 ? s.installed().get(0) : null);
        if (rt == null) {
            throw new RestoraException("no GPU runtime is installed or selected; the bundled CPU runtime is in use");
        }
        return RuntimeStore.verify(rt);
    }

    /** Goes back to the bundled CPU runtime at the next start and deletes installed runtimes and downloads. */
    public List<Path> remove() {
        RuntimeStore s = store();
        s.deselect();
        List<Path> removed = new ArrayList<>();
        for (String sub : List.of("pytorch", "downloads")) {
            Path p = s.root().resolve(sub);
            if (Files.exists(p)) {
                try {
                    RuntimeStore.deleteTree(p);
                    removed.add(p);
                } catch (IOException e) {
                    throw new RestoraException("cannot delete " + p + " (" + e.getMessage() + "); if Restora is"
                            + " running on it, close Restora and run this again", e);
                }
            }
        }
        return removed;
    }

    private RuntimeInstaller installer() {
        return new RuntimeInstaller(store(), transfer, platform);
    }
}
