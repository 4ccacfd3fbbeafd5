package dev.restora.app.cli;

import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.CancelledException;
import dev.restora.core.models.DownloadProgress;
import dev.restora.core.runtime.GpuRuntimes;
import dev.restora.core.runtime.NativeRuntime;
import dev.restora.core.runtime.RuntimeInstaller;
import dev.restora.core.runtime.RuntimePlatform;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code restora gpu status|install|use|verify|remove|mirror}: the GPU runtime (libtorch with CUDA) on demand. */
@Command(name = "gpu", mixinStandardHelpOptions = true,
        description = {"The GPU runtime: Restora bundles libtorch " + RuntimePlatform.PYTORCH_VERSION + " for the CPU;"
            + " 'install' fetches DJL's CUDA build (cu128) of the same version, 'use' takes a libtorch you have.",
            "A switch takes effect at the next start; every start stays offline."},
        subcommands = {GpuCommand.Status.class, GpuCommand.Install.class, GpuCommand.Use.class,
            GpuCommand.Verify.class, GpuCommand.Remove.class, GpuCommand.Mirror.class})
final class GpuCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.OK;
    }

    static GpuRuntimes runtimes() {
        return GpuRuntimes.current();
    }

    /** One line naming the libtorch: its folder, version and flavor (or the bundled CPU runtime). */
    static String describe(java.util.Optional<NativeRuntime> rt) {
        return rt.map(r -> "libtorch " + r.version() + " " + r.flavor() + " in " + r.folder()
                + (r.isInstalled() ? " (installed from " + r.origin() + ")" : " (your own)"))
                .orElse("libtorch " + RuntimePlatform.PYTORCH_VERSION + " cpu, bundled (from the class path)");
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "The libtorch in use and the installed runtimes.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            GpuRuntimes.Status s = runtimes().status();
            out.println("In use:      " + describe(s.inUse()));
            if (!s.selected().equals(s.inUse())) {
                out.println("Next start:  " + describe(s.selected()));
            }
            s.failure().ifPresent(f -> out.println("Set aside:   " + f));
            for (NativeRuntime r : s.installed()) {
                out.println("Installed:   " + r.flavor() + " in " + r.folder() + " (" + r.files().size() + " files, "
                        + ModelsCommand.size(r.files().values().stream().mapToLong(NativeRuntime.FileRecord::size).sum())
                        + ")");
            }
            out.println("Mirror:      " + s.mirror());
            for (String e : s.environment()) {
                out.println("Environment: " + e + " (overrides the choice made here)");
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = {"Download DJL's libtorch " + RuntimePlatform.PYTORCH_VERSION + " build of a flavor for this"
                + " machine, check it, try it, and use it from the next start.",
                "Shows the sizes, the free disk space and the licence terms first. Ctrl-C stops it; the next install"
                + " resumes the downloads."})
    static final class Install implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--flavor", defaultValue = RuntimePlatform.CUDA_FLAVOR, paramLabel = "FLAVOR",
                description = "cu128 (NVIDIA GPUs, the default) or cpu.")
        String flavor;
        @Option(names = "--mirror", paramLabel = "URL",
                description = "A host with DJL's layout (<URL>/" + RuntimePlatform.PYTORCH_VERSION + "/files.txt);"
                    + " default: the saved mirror ('restora gpu mirror'), else " + RuntimePlatform.DEFAULT_MIRROR + ".")
        String mirror;
        @Option(names = {"-y", "--yes"}, description = "Accept the licence terms and the download without asking.")
        boolean yes;
        @Option(names = {"-q", "--quiet"}, description = "No progress display.")
        boolean quiet;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            GpuRuntimes rts = runtimes();
            CancellationToken token = new CancellationToken();
            try (CancelOnInterrupt ignored = new CancelOnInterrupt(token::cancel)) {
                RuntimeInstaller.Plan plan = rts.plan(flavor.toLowerCase(Locale.ROOT), mirror, token);
                out.println("libtorch " + RuntimePlatform.PYTORCH_VERSION + " " + plan.flavor() + " for "
                        + rts.platform().classifier() + " from " + plan.mirror() + ": " + plan.items().size()
                        + " files, " + ModelsCommand.size(plan.downloadBytes()) + " to download, about "
                        + ModelsCommand.size(plan.neededBytes()) + " of disk needed, "
                        + ModelsCommand.size(plan.freeBytes()) + " free in " + plan.target().getParent());
                out.println("Licence: " + GpuRuntimes.LICENCE);
                out.flush();
                if (!plan.fits()) {
                    throw new CliException(ExitCodes.FAILED, "not enough free disk space: about "
                            + ModelsCommand.size(plan.neededBytes()) + " needed, " + ModelsCommand.size(plan.freeBytes())
                            + " free in " + plan.target().getParent());
                }
                if (!yes && !confirm(out)) {
                    throw new CliException(ExitCodes.USAGE, "not installed: confirm on a terminal, or add --yes to"
                            + " accept the licence terms and the download");
                }
                ProgressLine progress = new ProgressLine(err, quiet);
                NativeRuntime rt;
                try {
                    rt = rts.install(plan, progress, token);
                } finally {
                    progress.finish();
                }
                out.println("Installed and tried: " + describe(java.util.Optional.of(rt)));
                out.println("Restora uses it from the next start (restora gpu status; restora devices).");
                out.flush();
                return ExitCodes.OK;
            } catch (CancelledException e) {
                err.println("cancelled; the downloads are kept and 'restora gpu install' resumes them");
                err.flush();
                return ExitCodes.CANCELLED;
            }
        }

        private static boolean confirm(PrintWriter out) {
            if (System.console() == null) {
                return false;
            }
            out.print("Download and accept these terms? [y/N] ");
            out.flush();
            try {
                String a = new BufferedReader(new InputStreamReader(System.in, Charset.defaultCharset())).readLine();
                return a != null && (a.trim().equalsIgnoreCase("y") || a.trim().equalsIgnoreCase("yes"));
            } catch (IOException e) {
                return false;
            }
        }
    }

    /** The install's phases and a status line of its download. */
    static final class ProgressLine implements RuntimeInstaller.Listener {
        private final PrintWriter err;
        private final boolean quiet;
        private final ModelsCommand.DownloadPrinter printer;

        ProgressLine(PrintWriter err, boolean quiet) {
            this.err = err;
            this.quiet = quiet;
            this.printer = new ModelsCommand.DownloadPrinter(err, System.console() != null, "GPU runtime");
        }

        @Override
        public void phase(String what) {
            if (!quiet && !what.startsWith("downloading")) {
                printer.finish();
                err.println(what + "...");
                err.flush();
            }
        }

        @Override
        public void progress(long bytes, long total, double speed) {
            if (!quiet) {
                printer.progress(new DownloadProgress("gpu-runtime", bytes, total, speed));
            }
        }

        void finish() {
            printer.finish();
        }
    }

    @Command(name = "use", mixinStandardHelpOptions = true,
            description = {"Use a libtorch you already have: the official libtorch " + RuntimePlatform.PYTORCH_VERSION
                + " zip unpacked (Linux: the cxx11-abi build).", "It is checked (version, ABI, flavor, libraries) and"
                + " tried in a new process first."})
    static final class Use implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "DIR", description = "The unpacked libtorch folder (or its lib folder).")
        Path dir;

        @Override
        public Integer call() {
            NativeRuntime rt = runtimes().use(dir);
            PrintWriter out = spec.commandLine().getOut();
            out.println("Checked and tried: " + describe(java.util.Optional.of(rt)));
            out.println("Restora uses it from the next start.");
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Re-check the SHA-256 of every file of the GPU runtime against what was recorded at install.")
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            List<String> problems = runtimes().verify();
            if (!problems.isEmpty()) {
                throw new RestoraException("the GPU runtime was changed since it was recorded: "
                        + String.join("; ", problems) + " (run: restora gpu remove, then restora gpu install)");
            }
            spec.commandLine().getOut().println("OK: every file matches the SHA-256 recorded at install");
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Go back to the bundled CPU runtime at the next start and delete installed GPU runtimes"
                + " (a libtorch of your own is only forgotten, never deleted).")
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            List<Path> removed = runtimes().remove();
            PrintWriter out = spec.commandLine().getOut();
            for (Path p : removed) {
                out.println("deleted " + p);
            }
            out.println("Restora uses the bundled CPU runtime from the next start.");
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "mirror", mixinStandardHelpOptions = true,
            description = "Show or save the host 'install' fetches from (DJL's layout); --reset goes back to DJL's own.")
    static final class Mirror implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", arity = "0..1", paramLabel = "URL")
        String url;
        @Option(names = "--reset", description = "Use " + RuntimePlatform.DEFAULT_MIRROR + " again.")
        boolean reset;

        @Override
        public Integer call() {
            GpuRuntimes rts = runtimes();
            if (reset || url != null) {
                rts.setMirror(reset ? null : url);
            }
            spec.commandLine().getOut().println(rts.mirror());
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }
}
