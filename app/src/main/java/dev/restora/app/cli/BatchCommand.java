package dev.restora.app.cli;

import ai.djl.Device;
import dev.restora.core.batch.BatchExpansion;
import dev.restora.core.batch.BatchItem;
import dev.restora.core.batch.BatchItemProcessor;
import dev.restora.core.batch.BatchListener;
import dev.restora.core.batch.BatchNaming;
import dev.restora.core.batch.BatchPlan;
import dev.restora.core.batch.BatchReport;
import dev.restora.core.batch.BatchRunner;
import dev.restora.core.batch.ItemResult;
import dev.restora.core.batch.ItemState;
import dev.restora.core.batch.OverwritePolicy;
import dev.restora.core.batch.RestoreBatch;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.pipeline.Modality;
import dev.restora.core.plugins.PipelineRegistry;
import dev.restora.core.restore.MediaFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code restora batch IN... --out DIR}: restores whole folders (mirrored under the output folder) one file after the
 * other, going on after a failed file, with a JSON and CSV report. Killed or interrupted, the same command finishes
 * the rest: outputs are written whole or not at all, and a journal in the output folder records progress.
 */
@Command(name = "batch", mixinStandardHelpOptions = true, description = {
    "Restore many files: folders are walked (recursively by default) and mirrored under --out.",
    "Re-running the same command after an interruption finishes the rest.",
    "Naming tokens: {name} {ext} {pipeline} {model} {scale}."})
final class BatchCommand implements Callable<Integer> {
    @ParentCommand
    RestoraCommand root;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "IN", description = "Image or audio files, or folders (optional with --plan).")
    List<Path> inputs = new ArrayList<>();

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Output folder (required unless the plan has one).")
    Path out;

    @Option(names = {"-p", "--pipeline"}, paramLabel = "ID",
            description = "Pipeline id; default: esrgan (x4, bundled model) for images, classic-speech for audio;"
                    + " with --param scale=2 (or 3) images go to the weight-free classic-image.")
    String pipeline;

    @Option(names = {"-m", "--model"}, paramLabel = "ID", description = "Model of the pipeline (default: its first).")
    String model;

    @Option(names = "--name", paramLabel = "TEMPLATE",
            description = "Output file name template (default: " + BatchPlan.DEFAULT_NAMING + ").")
    String naming;

    @Option(names = "--skip-existing", description = "Skip files whose output already exists.")
    boolean skipExisting;

    @Option(names = "--overwrite", paramLabel = "skip|overwrite|rename",
            description = "When an output exists (not written by this batch): skip it (default), overwrite it, or write name_2.")
    OverwritePolicy overwrite;

    @Option(names = "--continue-on-error", description = "Go on with the next file after a failure (default).")
    boolean continueOnError;

    @Option(names = "--stop-on-error", description = "Stop at the first failed file.")
    boolean stopOnError;

    @Option(names = "--recursive", negatable = true, description = "Walk sub-folders (default: yes).")
    Boolean recursive;

    @Option(names = "--format", paramLabel = "EXT", description = "Output format for every file: png, jpg, tif (images).")
    String format;

    @Option(names = "--report", paramLabel = "FILE",
            description = "The JSON report (a CSV is written beside it); default: <out>/" + BatchRunner.DEFAULT_REPORT_NAME + ".")
    Path report;

    @Option(names = "--plan", paramLabel = "FILE.json", description = "Read the batch plan (the studio's format); options given here override it.")
    Path planFile;

    @Option(names = "--save-plan", paramLabel = "FILE.json", description = "Write the effective plan to this file.")
    Path savePlan;

    @Option(names = "--param", paramLabel = "K=V", mapFallbackValue = "", description = "Set a pipeline parameter (repeatable).")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--steps", paramLabel = "N", description = "Sampling steps (the pipeline's 'steps' parameter).")
    Integer steps;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "-1", description = "Noise seed for every file; -1 (default) picks one per file.")
    long seed;

    @Option(names = "--device", paramLabel = DeviceOption.LABEL, defaultValue = DeviceOption.DEFAULT,
            description = DeviceOption.DESCRIPTION)
    String device;

    @Option(names = {"-q", "--quiet"}, description = "No per-step progress display.")
    boolean quiet;

    @Override
    public Integer call() {
        PrintWriter outW = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BatchPlan plan = plan();
        PipelineRegistry registry = root.registry();

        if (plan.pipeline() == null) {
            plan.pipeline(defaultPipeline(plan, registry));
        }
        if (savePlan != null) {
            plan.write(savePlan);
        }
        root.prepareEngine();
        Device dev = DeviceOption.parse(device, err);
        boolean terminal = System.console() != null;
        CancellationToken token = new CancellationToken();
        BatchReport result;
        try (RestoreBatch batch = RestoreBatch.prepare(plan, registry, root.models(), dev)) {
            if (batch.items().isEmpty()) {
                throw new CliException(ExitCodes.USAGE, "no " + (batch.descriptor().modality() == Modality.SPEECH
                        ? "audio" : "image") + " file among the inputs " + plan.inputs());
            }
            batch.load(); // a missing weight file stops here, before any item
            AtomicReference<ProgressPrinter> current = new AtomicReference<>();
            BatchItemProcessor processor = batch.processor(seed, item -> {
                if (quiet) {
                    return null;
                }
                ProgressPrinter p = new ProgressPrinter(err, terminal, item.input().getFileName().toString());
                current.set(p);
                return p;
            });
            BatchRunner runner = new BatchRunner(plan, batch.items(), processor).token(token).reportFile(report)
                    .listener(new Printer(outW, err, current));
            try (CancelOnInterrupt ignored = new CancelOnInterrupt(token::cancel)) {
                result = runner.run();
            }
            outW.println(result.summary() + "; report: " + runner.reportFile());
            outW.flush();
        }
        if (result.count(ItemState.CANCELLED) > 0) {
            return ExitCodes.CANCELLED;
        }
        return result.hasFailures() ? ExitCodes.FAILED : ExitCodes.OK;
    }

    /** The plan file (if any) with this command line's options on top. */
    BatchPlan plan() {
        BatchPlan plan = planFile != null ? BatchPlan.read(planFile) : new BatchPlan();
        if (!inputs.isEmpty()) {
            plan.inputs(inputs.stream().map(p -> p.toAbsolutePath().normalize().toString()).toList());
        }
        if (out != null) {
            plan.output(out.toAbsolutePath().normalize().toString());
        }
        if (plan.inputs().isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "give the inputs (files or folders) or a --plan");
        }
        if (plan.output() == null) {
            throw new CliException(ExitCodes.USAGE, "give the output folder with --out");
        }
        if (pipeline != null) {
            plan.pipeline(pipeline);
        }
        if (model != null) {
            plan.model(model);
        }
        if (naming != null) {
            plan.naming(naming);
        }
        if (skipExisting) {
            plan.skipExisting(true);
        }
        if (overwrite != null) {
            plan.overwrite(overwrite);
        }
        if (continueOnError && stopOnError) {
            throw new CliException(ExitCodes.USAGE, "--continue-on-error and --stop-on-error contradict each other");
        }
        if (continueOnError || stopOnError) {
            plan.continueOnError(continueOnError);
        }
        if (recursive != null) {
            plan.recursive(recursive);
        }
        if (format != null) {
            plan.format(format);
        }
        Map<String, Object> p = new LinkedHashMap<>(plan.parameters());
        p.putAll(params);
        if (steps != null) {
            p.put("steps", steps);
        }
        plan.parameters(p);
        try {
            return plan.validate();
        } catch (dev.restora.core.RestoraException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
    }

    /** The embedded default of the inputs' kind; mixed images and audio need an explicit --pipeline. */
    private static String defaultPipeline(BatchPlan plan, PipelineRegistry registry) {
        List<BatchItem> all = BatchExpansion.expand(plan, new BatchNaming("x", "x", 1), BatchExpansion.MEDIA);
        Set<Modality> kinds = new LinkedHashSet<>();
        for (BatchItem i : all) {
            String n = i.input().getFileName().toString();
            int dot = n.lastIndexOf('.');
            Modality k = dot > 0 ? MediaFiles.kindByExtension(n.substring(dot + 1).toLowerCase(Locale.ROOT)) : null;
            if (k != null) {
                kinds.add(k);
            }
        }
        if (kinds.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "no image or audio file among the inputs " + plan.inputs());
        }
        if (kinds.size() > 1) {
            throw new CliException(ExitCodes.USAGE, "the inputs mix images and audio; a batch runs one pipeline:"
                    + " choose it with --pipeline");
        }
        return RestoreCommand.defaultPipeline(registry, kinds.iterator().next(), plan.parameters().keySet());
    }

    /** One line per finished item. */
    private static final class Printer implements BatchListener {
        private final PrintWriter out;
        private final PrintWriter err;
        private final AtomicReference<ProgressPrinter> progress;

        Printer(PrintWriter out, PrintWriter err, AtomicReference<ProgressPrinter> progress) {
            this.out = out;
            this.err = err;
            this.progress = progress;
        }

        @Override
        public void itemFinished(ItemResult r, int total) {
            ProgressPrinter p = progress.getAndSet(null);
            if (p != null) {
                p.finish();
            }
            String head = "(" + (r.item().index() + 1) + "/" + total + ") " + r.item().input();
            switch (r.state()) {
                case DONE -> out.printf(Locale.ROOT, "%s -> %s  %s%n", head, r.output(), r.earlierRun()
                        ? "(done in an earlier run)" : String.format(Locale.ROOT, "(%.1f s)", r.seconds()));
                case SKIPPED -> out.println(head + ": skipped, " + r.output() + " exists");
                case FAILED -> err.println("error: " + r.error());
                case CANCELLED -> err.println(head + ": cancelled");
                case NOT_RUN -> err.println(head + ": not run (stopped at an earlier error)");
                default -> { }
            }
            out.flush();
            err.flush();
        }
    }
}
