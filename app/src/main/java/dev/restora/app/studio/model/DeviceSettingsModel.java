package dev.restora.app.studio.model;

import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.CancelledException;
import dev.restora.core.engine.CpuInfo;
import dev.restora.core.engine.GpuUsability;
import dev.restora.core.engine.Nvml;
import dev.restora.core.runtime.GpuRuntimes;
import dev.restora.core.runtime.NativeRuntime;
import dev.restora.core.runtime.RuntimeInstaller;
import dev.restora.core.runtime.RuntimePlatform;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Settings, Device: the devices the driver reports, the libtorch in use and at the next start, and the GPU runtime's
 * actions ({@link GpuRuntimes}): plan an install (sizes, free disk, licence) before anything large is fetched,
 * install with progress and cancel, use a folder, verify, remove, the mirror. Work runs on the background executor;
 * the view reads {@link #view()}.
 */
public final class DeviceSettingsModel {
    /** Where an install stands. */
    public enum Phase { IDLE, PLANNING, PLANNED, INSTALLING, DONE, FAILED }

    /**
     * What the Device tab shows.
     *
     * @param devices  one line per device (CPU, each GPU with why it cannot be used)
     * @param inUse    the libtorch this process runs on
     * @param next     what the next start runs on, when different, else null
     * @param plan     the planned install (after {@link #plan}), else null
     * @param progress a phase or progress text while working, the result after, else ""
     */
    public record View(List<String> devices, String inUse, String next, String failure, String mirror, Phase phase,
                       RuntimeInstaller.Plan plan, double fraction, String progress) {
    }

    private final StudioContext ctx;
    private final Supplier<GpuRuntimes> runtimes;
    private final Prop<View> view;
    private volatile CancellationToken token;

    public DeviceSettingsModel(StudioContext ctx) {
        this(ctx, () -> new GpuRuntimes(dev.restora.core.engine.AppDirs.at(ctx.home()),
                new dev.restora.core.net.HttpTransfer(), RuntimePlatform.current()));
    }

    DeviceSettingsModel(StudioContext ctx, Supplier<GpuRuntimes> runtimes) {
        this.ctx = ctx;
        this.runtimes = runtimes;
        this.view = new Prop<>(new View(List.of(), "", null, null, "", Phase.IDLE, null, -1, ""));
        refresh();
    }

    public Prop<View> view() {
        return view;
    }

    /** Re-reads the devices and the runtime state (NVML and files: off the UI thread). */
    public void refresh() {
        ctx.background().execute(() -> {
            GpuRuntimes.Status s = runtimes.get().status();
            List<String> devices = devices(CpuInfo.current(), Nvml.read(), s.inUse().map(NativeRuntime::flavor)
                    .orElse("cpu"));
            ctx.ui().execute(() -> {
                View v = view.get();
                view.set(new View(devices, describe(s.inUse()), s.selected().equals(s.inUse()) ? null
                        : describe(s.selected()), s.failure().orElse(null), s.mirror(), v.phase(), v.plan(),
                        v.fraction(), v.progress()));
            });
        });
    }

    static List<String> devices(CpuInfo cpu, Nvml.Snapshot nvml, String flavor) {
        List<String> out = new ArrayList<>();
        out.add("CPU: " + cpu.model() + ", " + cpu.threads() + " threads");
        if (!nvml.available()) {
            out.add("No NVIDIA GPU: " + nvml.unavailable());
        }
        for (Nvml.Gpu g : nvml.gpus()) {
            out.add("gpu:" + g.index() + " " + g.name() + ", " + String.format(Locale.ROOT, "%.1f GB", g.memoryTotal() / 1e9)
                    + " — " + GpuUsability.problem(g, nvml, flavor).map(p -> "not usable: " + p).orElse("usable"));
        }
        return List.copyOf(out);
    }

    static String describe(Optional<NativeRuntime> rt) {
        return rt.map(NativeRuntime::describe).orElse("libtorch " + RuntimePlatform.PYTORCH_VERSION
                + " cpu, bundled with Restora");
    }

    /** Reads the file list and sizes for {@code flavor} from the mirror; nothing large is fetched. */
    public void plan(String flavor) {
        CancellationToken t = new CancellationToken();
        token = t;
        update(Phase.PLANNING, null, -1, "Reading the list of files…");
        ctx.background().execute(() -> {
            try {
                RuntimeInstaller.Plan p = runtimes.get().plan(flavor, null, t);
                String text = p.items().size() + " files, " + gb(p.downloadBytes()) + " to download, about "
                        + gb(p.neededBytes()) + " of disk needed, " + gb(p.freeBytes()) + " free"
                        + (p.fits() ? "" : " — not enough free disk space");
                ctx.ui().execute(() -> update(Phase.PLANNED, p, -1, text));
            } catch (RuntimeException e) {
                fail(e);
            }
        });
    }

    /** Installs the planned runtime (the user accepted the licence terms shown with the plan). */
    public void install() {
        RuntimeInstaller.Plan p = view.get().plan();
        if (p == null || !p.fits()) {
            return;
        }
        CancellationToken t = new CancellationToken();
        token = t;
        update(Phase.INSTALLING, p, 0, "Starting…");
        ctx.background().execute(() -> {
            try {
                runtimes.get().install(p, new RuntimeInstaller.Listener() {
                    private volatile String phase = "";

                    @Override
                    public void phase(String what) {
                        phase = what;
                        ctx.ui().execute(() -> update(Phase.INSTALLING, p, view.get().fraction(), what));
                    }

                    @Override
                    public void progress(long bytes, long total, double speed) {
                        double f = total > 0 ? (double) bytes / total : -1;
                        String text = phase + " — " + gb(bytes) + " of " + gb(total) + ", "
                                + String.format(Locale.ROOT, "%.1f MB/s", speed / 1e6);
                        ctx.ui().execute(() -> update(Phase.INSTALLING, p, f, text));
                    }
                }, t);
                ctx.ui().execute(() -> update(Phase.DONE, null, 1, "Installed and tried; Restora uses it from the next"
                        + " start."));
                refresh();
            } catch (CancelledException e) {
                ctx.ui().execute(() -> update(Phase.IDLE, p, -1, "Cancelled; the downloads are kept and the next"
                        + " install resumes them."));
            } catch (RuntimeException e) {
                fail(e);
            }
        });
    }

    /** Stops a plan or an install. */
    public void cancel() {
        CancellationToken t = token;
        if (t != null) {
            t.cancel();
        }
    }

    /** Checks, tries and selects the user's libtorch folder. */
    public void use(Path dir) {
        update(Phase.INSTALLING, null, -1, "Checking and trying " + dir + "…");
        background(() -> {
            NativeRuntime rt = runtimes.get().use(dir);
            return "Restora uses " + rt.describe() + " from the next start.";
        });
    }

    /** Re-hashes the runtime's files. */
    public void verify() {
        update(Phase.INSTALLING, null, -1, "Checking every file…");
        background(() -> {
            List<String> problems = runtimes.get().verify();
            if (!problems.isEmpty()) {
                throw new RestoraException("changed since it was installed: " + String.join("; ", problems));
            }
            return "Every file matches the SHA-256 recorded at install.";
        });
    }

    /** Back to the bundled CPU runtime at the next start. */
    public void remove() {
        background(() -> {
            runtimes.get().remove();
            return "Restora uses the bundled CPU runtime from the next start.";
        });
    }

    /** Saves the mirror (blank: DJL's own). */
    public void setMirror(String mirror) {
        background(() -> {
            runtimes.get().setMirror(mirror);
            return "Installs fetch from " + runtimes.get().mirror();
        });
    }

    private void background(Supplier<String> work) {
        ctx.background().execute(() -> {
            try {
                String done = work.get();
                ctx.ui().execute(() -> update(Phase.DONE, null, -1, done));
                refresh();
            } catch (RuntimeException e) {
                fail(e);
            }
        });
    }

    private void fail(RuntimeException e) {
        String m = e instanceof RestoraException ? e.getMessage() : e.toString();
        ctx.ui().execute(() -> update(Phase.FAILED, view.get().plan(), -1, m));
    }

    private void update(Phase phase, RuntimeInstaller.Plan plan, double fraction, String progress) {
        View v = view.get();
        view.set(new View(v.devices(), v.inUse(), v.next(), v.failure(), v.mirror(), phase, plan, fraction, progress));
    }

    private static String gb(long bytes) {
        return RuntimeInstaller.gb(bytes);
    }
}
