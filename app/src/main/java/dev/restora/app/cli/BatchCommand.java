package dev.restora.app.cli;

import ai.djl.Device;
import dev.restora.core.batch.BatchPlan;
import dev.restora.core.batch.BatchReport;
import dev.restora.core.batch.BatchRunner;
import dev.restora.core.batch.OverwritePolicy;
import dev.restora.core.batch.RestoreBatch;
import dev.restora.core.pipeline.Modality;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
            description = "Pipeline id for every file; default: each media kind its own (esrgan, x4 with the bundled"
                    + " model, for images; classic-speech for audio); with --param scale=2 (or 3) images go to the"
                    + " weight-free classic-image.")
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
        root.prepareEngine();
        Device dev = DeviceOption.parse(device, quiet ? null : err); // -q: no "device: ..., chosen automatically" line
        try (RestoreBatch batch = RestoreBatch.prepare(plan, root.registry(), root.models(), dev)) {
            if (batch.items().isEmpty()) {
                throw new CliException(ExitCodes.USAGE, "no " + (plan.pipeline() == null ? "image or audio"
                        : batch.descriptor().modality() == Modality.SPEECH ? "audio" : "image")
                        + " file among the inputs " + plan.inputs());
            }
            if (savePlan != null) {
                plan.write(savePlan); // after prepare: with the pipeline each media kind was routed to
            }
            batch.load(); // a missing weight file stops here, before any item
            AtomicReference<Path> reportFile = new AtomicReference<>();
            BatchReport result = BatchConsole.run(batch, plan, seed, quiet, root.verbose(), outW, err, r -> {
                r.reportFile(report);
                reportFile.set(r.reportFile());
                return r;
            });
            outW.println(result.summary() + "; report: " + reportFile.get());
            outW.flush();
            return BatchConsole.exitCode(result);
        }
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
}
