package dev.restora.app.cli;

import ai.djl.Device;
import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.StepEvent;
import dev.restora.core.jobs.Job;
import dev.restora.core.jobs.JobListener;
import dev.restora.core.jobs.JobPriority;
import dev.restora.core.jobs.JobState;
import dev.restora.core.jobs.WorkerPool;
import dev.restora.core.models.ModelResolver;
import dev.restora.core.pipeline.Modality;
import dev.restora.core.pipeline.ModelOption;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.PipelineDescriptor;
import dev.restora.core.plugins.PipelineRegistry;
import dev.restora.core.restore.DefaultPipelines;
import dev.restora.core.restore.MediaFiles;
import dev.restora.core.restore.RestoreException;
import dev.restora.core.restore.RestoreRequest;
import dev.restora.core.restore.RestoreResult;
import dev.restora.core.restore.RestoreTask;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code restora restore INPUT...}: restores files one after the other, going on after a failed one. */
@Command(name = "restore", mixinStandardHelpOptions = true, description = {"Restore images or speech recordings (a folder means the images and WAVs in it).",
    "Outputs are named <name>_<pipeline>.<ext> and keep the input's format."})
final class RestoreCommand implements Callable<Integer> {
    /** The embedded weight-free defaults, by input kind. */
    @ParentCommand
    RestoraCommand root;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "Image or WAV files, or folders of them.")
    List<Path> inputs;

    @Option(names = {"-p", "--pipeline"}, paramLabel = "ID",
            description = "Pipeline id (see 'restora pipelines'); default: esrgan (x4, bundled model) for images,"
                    + " classic-speech for audio; with --param scale=2 (or 3) images go to the weight-free"
                    + " classic-image (esrgan's x2/x3 models are downloads: --model esrgan-thick-x2).")
    String pipeline;

    @Option(names = {"-m", "--model"}, paramLabel = "ID", description = "Model of the pipeline (default: its first).")
    String model;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Output folder (default: beside each input).")
    Path out;

    @Option(names = "--steps", paramLabel = "N", description = "Sampling steps (the pipeline's 'steps' parameter).")
    Integer steps;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "-1",
            description = "Noise seed; -1 (default) picks one and prints it.")
    long seed;

    @Option(names = "--device", paramLabel = DeviceOption.LABEL, defaultValue = DeviceOption.DEFAULT,
            description = DeviceOption.DESCRIPTION)
    String device;

    @Option(names = "--param", paramLabel = "K=V", mapFallbackValue = "",
            description = "Set a pipeline parameter (repeatable); see 'restora pipelines' for names and ranges.")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = {"-q", "--quiet"}, description = "No progress display.")
    boolean quiet;

    @Override
    @SuppressWarnings("try") // the interrupt hook is only held open for the run
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Path> files = expand(inputs, err);
        if (files.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "no image or audio file among the inputs");
        }
        root.prepareEngine();
        Device dev = DeviceOption.parse(device, err);
        PipelineRegistry registry = root.registry();
        Map<String, Object> overrides = new LinkedHashMap<>(params);

        // plan: the pipeline of every file; files of unknown kind fail now, bad options stop everything
        List<Item> items = new ArrayList<>();
        int failed = 0;
        for (Path f : files) {
            try {
                String id = pipeline != null ? pipeline
                        : defaultPipeline(registry, MediaFiles.detect(f), overrides.keySet());
                items.add(new Item(f, id));
            } catch (RestoreException e) {
                err.println("error: " + e.getMessage());
                failed++;
            }
        }
        for (String id : items.stream().map(Item::pipelineId).distinct().toList()) {
            validate(registry, id, overrides);
        }

        // every weight file of every model needed, before anything runs
        ModelResolver models = root.models();
        for (String id : items.stream().map(Item::pipelineId).distinct().toList()) {
            ModelOption m = registry.require(id).descriptor().requireModel(model);
            for (String entry : m.catalogEntryIds()) {
                try {
                    models.require(entry);
                } catch (RestoraException e) {
                    err.println("error: pipeline " + id + " (model " + m.id() + "): " + e.getMessage());
                    err.flush();
                    return ExitCodes.MODEL_MISSING;
                }
            }
        }

        boolean modelMissing = false;
        boolean terminal = System.console() != null;
        Set<Path> targets = new HashSet<>();
        AtomicReference<Job<RestoreResult>> current = new AtomicReference<>();
        AtomicBoolean interrupted = new AtomicBoolean();
        try (WorkerPool pool = new WorkerPool(List.of(dev), 2);
             CancelOnInterrupt ignored = new CancelOnInterrupt(() -> {
                 interrupted.set(true);
                 Job<RestoreResult> j = current.get();
                 if (j != null) {
                     j.cancel();
                 }
             })) {
            for (int i = 0; i < items.size() && !interrupted.get(); i++) {
                Item item = items.get(i);
                Path target = unique(RestoreRequest.defaultOutput(item.file(), this.out, item.pipelineId()), targets);
                RestoreRequest request = new RestoreRequest(item.file(), item.pipelineId(), model, overrides, target,
                        dev, seed);
                String label = items.size() > 1 ? "(" + (i + 1) + "/" + items.size() + ") " + item.file().getFileName()
                        : item.file().getFileName().toString();
                ProgressPrinter progress = new ProgressPrinter(err, terminal, label);
                Job<RestoreResult> job = new Job<>("restore " + item.file(), JobPriority.BATCH, dev,
                        new RestoreTask(request, registry, models));
                if (!quiet) {
                    job.addListener(new JobListener() {
                        @Override
                        public void progress(Job<?> j, StepEvent event) {
                            progress.onStep(event);
                        }
                    });
                }
                current.set(job);
                pool.submit(job);
                if (interrupted.get()) {
                    job.cancel();
                }
                try {
                    job.await(Duration.ofDays(365));
                } catch (InterruptedException e) {
                    job.cancel();
                    Thread.currentThread().interrupt();
                }
                progress.finish();
                JobState state = job.state();
                if (state == JobState.SUCCEEDED) {
                    RestoreResult r = job.result();
                    out.printf(Locale.ROOT, "%s -> %s  (pipeline %s, model %s, seed %d, %.1f s)%n", r.input(),
                            r.output(), r.pipelineId(), r.modelId(), r.seed(), r.elapsed().toMillis() / 1000.0);
                    out.flush();
                    continue;
                }
                if (state == JobState.CANCELLED || !state.isTerminal()) {
                    err.println("cancelled: " + item.file() + " (no output written)");
                    err.flush();
                    return ExitCodes.CANCELLED;
                }
                Throwable t = job.error();
                if (t instanceof RestoreException e && e.reason() == RestoreException.Reason.USAGE) {
                    throw e;
                }
                boolean missing = t instanceof RestoreException e && e.reason() == RestoreException.Reason.MODEL_MISSING;
                modelMissing |= missing;
                String msg = t instanceof RestoraException ? t.getMessage() : job.errorMessage();
                err.println("error: " + (missing || !msg.contains(item.file().getFileName().toString())
                        ? item.file() + ": " : "") + msg);
                if (root.verbose() && t != null) {
                    t.printStackTrace(err);
                }
                err.flush();
                failed++;
            }
            if (interrupted.get()) {
                return ExitCodes.CANCELLED;
            }
        }
        if (modelMissing) {
            return ExitCodes.MODEL_MISSING;
        }
        if (failed > 0) {
            err.println(failed + " of " + (files.size()) + " file(s) failed");
            return ExitCodes.FAILED;
        }
        return ExitCodes.OK;
    }

    private record Item(Path file, String pipelineId) {
    }

    /** {@code target}, or {@code <name>-2.<ext>}, {@code -3}... when an earlier input of this run already wrote it. */
    static Path unique(Path target, Set<Path> taken) {
        Path abs = target.toAbsolutePath().normalize();
        Path candidate = abs;
        String name = abs.getFileName().toString();
        int dot = name.lastIndexOf('.');
        for (int n = 2; taken.contains(candidate); n++) {
            candidate = abs.resolveSibling(dot > 0 ? name.substring(0, dot) + "-" + n + name.substring(dot)
                    : name + "-" + n);
        }
        taken.add(candidate);
        return candidate;
    }

    /** The embedded default for this kind of input (core {@link DefaultPipelines}); a usage error where none is. */
    static String defaultPipeline(PipelineRegistry registry, Modality kind, java.util.Collection<String> params) {
        return DefaultPipelines.forKind(registry, kind, params)
                .orElseThrow(() -> new CliException(ExitCodes.USAGE, "no default pipeline for "
                        + kind.name().toLowerCase(Locale.ROOT) + " (" + String.join(", ", DefaultPipelines.preferred(kind))
                        + " not installed); choose one with --pipeline: " + registry.ids()));
    }

    /** Unknown pipeline, model or parameter, or a value out of range: a usage error before anything runs. */
    private void validate(PipelineRegistry registry, String id, Map<String, Object> overrides) {
        PipelineDescriptor d = registry.find(id).orElseThrow(() -> new CliException(ExitCodes.USAGE,
                "no pipeline '" + id + "'; known pipelines: " + String.join(", ", registry.ids())))
                .descriptor();
        try {
            ModelOption m = d.requireModel(model);
            if (m == null) {
                throw new IllegalArgumentException("no model");
            }
            if (steps != null) {
                if (d.parameters().stream().noneMatch(p -> p.id().equals("steps"))) {
                    throw new IllegalArgumentException("it has no 'steps' parameter (its parameters: "
                            + d.parameters().stream().map(p -> p.id()).toList() + ")");
                }
                overrides.put("steps", steps);
            }
            ParameterValues.of(d.parameters(), overrides);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "pipeline " + id + ": " + e.getMessage(), e);
        }
    }

    /** Files as given; a folder gives its images and audio files (not recursive), in name order. */
    static List<Path> expand(List<Path> inputs, PrintWriter err) {
        List<Path> out = new ArrayList<>();
        for (Path p : inputs) {
            if (Files.isDirectory(p)) {
                List<Path> inDir = new ArrayList<>();
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
                    for (Path f : ds) {
                        String name = f.getFileName().toString();
                        int dot = name.lastIndexOf('.');
                        if (Files.isRegularFile(f) && !name.startsWith(".") && dot > 0 && MediaFiles.kindByExtension(
                                name.substring(dot + 1).toLowerCase(Locale.ROOT)) != null) {
                            inDir.add(f);
                        }
                    }
                } catch (IOException e) {
                    throw new CliException(ExitCodes.FAILED, p + ": cannot list the folder (" + e.getMessage() + ")");
                }
                inDir.sort(null);
                if (inDir.isEmpty()) {
                    err.println("warning: " + p + ": no image or audio file in this folder");
                }
                out.addAll(inDir);
            } else {
                out.add(p);
            }
        }
        return out;
    }
}
