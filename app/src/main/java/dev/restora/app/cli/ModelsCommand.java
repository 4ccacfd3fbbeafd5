package dev.restora.app.cli;

import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.models.CatalogEntry;
import dev.restora.core.models.DownloadListener;
import dev.restora.core.models.DownloadProgress;
import dev.restora.core.models.ModelInfo;
import dev.restora.core.models.ModelStatus;
import dev.restora.core.models.ModelStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code restora models list|download|import|verify|remove|accept}: the model store from the command line. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = {"Manage model weight files: list, download (with resume), import, verify, remove, accept licences.",
            "Offline (-Drestora.offline=true or no network) a download fails at once and says where to put the file."},
        subcommands = {ModelsCommand.ListModels.class, ModelsCommand.Download.class, ModelsCommand.Import.class,
            ModelsCommand.Verify.class, ModelsCommand.Remove.class, ModelsCommand.Accept.class})
final class ModelsCommand implements Callable<Integer> {
    @ParentCommand
    RestoraCommand root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.OK;
    }

    ModelStore store() {
        return root.models();
    }

    /** The ids, each checked against the catalog (an unknown one is a usage error listing the known ones). */
    List<String> checkIds(List<String> ids) {
        ModelStore s = store();
        for (String id : ids) {
            if (s.catalog().find(id).isEmpty()) {
                List<String> known = s.catalog().entries().stream().map(CatalogEntry::id).toList();
                throw new CliException(ExitCodes.USAGE, "no model file '" + id + "'; known: "
                        + (known.isEmpty() ? "none (no installed pipeline needs weight files)" : String.join(", ", known)));
            }
        }
        return ids;
    }

    static String size(long bytes) {
        if (bytes < 0) {
            return "?";
        }
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the weight files the pipelines use and their state.")
    static final class ListModels implements Callable<Integer> {
        @ParentCommand
        ModelsCommand parent;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            ModelStore s = parent.store();
            List<ModelInfo> infos = s.list();
            if (infos.isEmpty()) {
                out.println("No installed pipeline needs weight files.");
            }
            for (ModelInfo i : infos) {
                CatalogEntry e = i.entry();
                String state = switch (i.status()) {
                    case VERIFIED -> "verified";
                    case PRESENT -> "present (not verified)";
                    case PARTIAL -> "partial download, " + size(i.localBytes()) + " of " + size(e.sizeBytes());
                    case MISSING -> "missing";
                };
                out.printf("%-28s %-10s %s%n", e.id(), size(e.sizeBytes()), state);
                out.println("    file: " + i.path());
                if (e.description() != null && !e.description().isBlank()) {
                    out.println("    " + e.description());
                }
                if (e.mustAccept()) {
                    out.println("    licence: " + e.licence() + (i.licenceAccepted() ? " (accepted)"
                            : " (must be accepted: restora models accept " + e.id() + ")"));
                } else if (e.licence() != null && !e.licence().isBlank()) {
                    out.println("    licence: " + e.licence());
                }
                if (i.sha256() != null) {
                    out.println("    sha256: " + i.sha256());
                }
            }
            out.println();
            out.println("Model store: " + s.directory() + (s.isOffline() ? "  (offline mode)" : ""));
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "download", mixinStandardHelpOptions = true,
            description = {"Download weight files (resumes an interrupted download; verifies SHA-256 and structure).",
                "Ctrl-C stops it; the partial file is kept and the next download resumes it."})
    static final class Download implements Callable<Integer> {
        @ParentCommand
        ModelsCommand parent;
        @Spec
        CommandSpec spec;
        @Parameters(arity = "0..*", paramLabel = "ID", description = "Model file ids (see 'restora models list').")
        List<String> ids = new ArrayList<>();
        @Option(names = "--all", description = "Every weight file that is not there yet.")
        boolean all;
        @Option(names = {"-q", "--quiet"}, description = "No progress display.")
        boolean quiet;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ModelStore s = parent.store();
            List<String> todo = new ArrayList<>(parent.checkIds(ids));
            if (all) {
                for (ModelInfo i : s.list()) {
                    if (i.status() == ModelStatus.MISSING || i.status() == ModelStatus.PARTIAL) {
                        todo.add(i.entry().id());
                    }
                }
            }
            if (todo.isEmpty()) {
                throw new CliException(ExitCodes.USAGE, all ? "every weight file is already there"
                        : "name the model files to download (see 'restora models list') or use --all");
            }
            int failed = 0;
            CancellationToken token = new CancellationToken();
            try (CancelOnInterrupt ignored = new CancelOnInterrupt(token::cancel)) {
                for (String id : todo.stream().distinct().toList()) {
                    DownloadPrinter progress = new DownloadPrinter(err, System.console() != null,
                            s.catalog().require(id).fileName());
                    try {
                        Path p = s.download(id, quiet ? DownloadListener.NONE : progress, token);
                        progress.finish();
                        out.println(id + " -> " + p);
                        out.flush();
                    } catch (RestoraException e) {
                        progress.finish();
                        err.println("error: " + e.getMessage());
                        err.flush();
                        failed++;
                    } catch (RuntimeException e) {
                        progress.finish();
                        throw e;
                    }
                }
            }
            return failed == 0 ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Copy a weight file you fetched yourself into the store (verified before it is kept).")
    static final class Import implements Callable<Integer> {
        @ParentCommand
        ModelsCommand parent;
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "ID", description = "Model file id.")
        String id;
        @Parameters(index = "1", paramLabel = "FILE", description = "The local file (for a multi-file model such as"
                + " esrgan-slim-x2: the folder holding its model.json and shards).")
        Path file;

        @Override
        public Integer call() {
            parent.checkIds(List.of(id));
            Path p = parent.store().importFile(id, file);
            spec.commandLine().getOut().println(id + " imported -> " + p);
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Hash and check weight files now (all present ones when no id is given).")
    static final class Verify implements Callable<Integer> {
        @ParentCommand
        ModelsCommand parent;
        @Spec
        CommandSpec spec;
        @Parameters(arity = "0..*", paramLabel = "ID", description = "Model file ids.")
        List<String> ids = new ArrayList<>();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ModelStore s = parent.store();
            List<String> todo = new ArrayList<>(parent.checkIds(ids));
            if (todo.isEmpty()) {
                for (ModelInfo i : s.list()) {
                    if (i.status() == ModelStatus.PRESENT || i.status() == ModelStatus.VERIFIED) {
                        todo.add(i.entry().id());
                    }
                }
                if (todo.isEmpty()) {
                    out.println("No weight file in " + s.directory() + " to verify.");
                    out.flush();
                    return ExitCodes.OK;
                }
            }
            int failed = 0;
            for (String id : todo) {
                try {
                    out.println(id + ": OK (sha256 " + s.verify(id) + ")");
                } catch (RestoraException e) {
                    err.println("error: " + e.getMessage());
                    failed++;
                }
            }
            out.flush();
            err.flush();
            return failed == 0 ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Delete weight files (and partial downloads).")
    static final class Remove implements Callable<Integer> {
        @ParentCommand
        ModelsCommand parent;
        @Spec
        CommandSpec spec;
        @Parameters(arity = "1..*", paramLabel = "ID", description = "Model file ids.")
        List<String> ids;
        @Option(names = "--forget-hash",
                description = "Also forget the SHA-256 recorded on first download (when the publisher replaced the file).")
        boolean forgetHash;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            for (String id : parent.checkIds(ids)) {
                boolean removed = parent.store().remove(id, forgetHash);
                out.println(id + (removed ? ": removed" : ": was not there"));
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "accept", mixinStandardHelpOptions = true,
            description = "Accept the licence of a weight file that requires it (recorded in the model store).")
    static final class Accept implements Callable<Integer> {
        @ParentCommand
        ModelsCommand parent;
        @Spec
        CommandSpec spec;
        @Parameters(arity = "1..*", paramLabel = "ID", description = "Model file ids.")
        List<String> ids;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            ModelStore s = parent.store();
            for (String id : parent.checkIds(ids)) {
                CatalogEntry e = s.catalog().require(id);
                if (!e.mustAccept()) {
                    out.println(id + ": no licence acceptance needed (" + e.licence() + ")");
                    continue;
                }
                out.println(id + " licence:");
                out.println("  " + e.licence());
                s.accept(id);
                out.println(id + ": licence accepted");
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    /**
     * Download progress: on a terminal one line redrawn in place (bar, percent, bytes, speed, ETA); otherwise a line
     * per 10 % and at the end.
     */
    static final class DownloadPrinter implements DownloadListener {
        private final StatusLine line;
        private final String label;

        DownloadPrinter(PrintWriter err, boolean terminal, String label) {
            this(err, terminal, label, StatusLine.columns());
        }

        DownloadPrinter(PrintWriter err, boolean terminal, String label, int width) {
            this.line = new StatusLine(err, terminal, width);
            this.label = label;
        }

        @Override
        public synchronized void progress(DownloadProgress p) {
            double f = p.fraction();
            String speed = size((long) p.bytesPerSecond()) + "/s";
            String eta = f >= 0 && p.bytesPerSecond() > 0
                    ? "  ETA " + ProgressPrinter.format(java.time.Duration.ofMillis(
                            (long) ((p.total() - p.bytes()) / p.bytesPerSecond() * 1000))) : "";
            String amount = size(p.bytes()) + (p.total() >= 0 ? " / " + size(p.total()) : "");
            String pct = f >= 0 ? String.format(Locale.ROOT, "%3d%%  ", (int) Math.floor(f * 100)) : "";
            // without a size, a plain line per 100 MB
            long bucket = f >= 0 ? (long) Math.floor(f * 10) : p.bytes() / (100L << 20);
            line.update(f, bucket, false, pct + amount + "  " + speed + eta + "  " + label);
        }

        synchronized void finish() {
            line.finish();
        }
    }
}
