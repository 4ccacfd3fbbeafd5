package dev.restora.app.studio.model;

import dev.restora.core.batch.BatchListener;
import dev.restora.core.batch.BatchPlan;
import dev.restora.core.batch.BatchReport;
import dev.restora.core.batch.BatchRunner;
import dev.restora.core.batch.ItemResult;
import dev.restora.core.batch.OverwritePolicy;
import dev.restora.core.batch.RestoreBatch;
import dev.restora.core.diffusion.StepEvent;
import dev.restora.core.jobs.Job;
import dev.restora.core.jobs.JobListener;
import dev.restora.core.jobs.JobPriority;
import dev.restora.core.jobs.JobState;
import dev.restora.core.jobs.JobTask;
import dev.restora.core.jobs.LatestValueHandoff;
import dev.restora.core.pipeline.Modality;
import dev.restora.core.pipeline.ModelOption;
import dev.restora.core.plugins.PipelineRegistry;
import dev.restora.core.restore.DefaultPipelines;
import dev.restora.core.restore.RestoreFailedException;
import dev.restora.core.restore.RestoreRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The batch dialog's model: input folders and files, the output folder, the naming template, the existing-file
 * policies, the pipeline, model and parameters; it builds the same {@link BatchPlan} the command line reads, queues
 * it as one BATCH job (run by {@link RestoreBatch} and {@link BatchRunner}) and reports per item, then the final
 * {@link BatchReport} with failures and reasons.
 */
public final class BatchModel {
    private final StudioContext ctx;
    private final List<Path> inputs = new ArrayList<>();
    private final Prop<List<Path>> inputList = new Prop<>(List.of());
    private final PipelineChoice choice;
    private final Prop<String> progressText = new Prop<>("");
    private final Prop<Double> fraction = new Prop<>(0.0);
    private final Prop<BatchReport> report = new Prop<>(null);
    private final Prop<String> error = new Prop<>(null);
    private final Prop<Boolean> running = new Prop<>(false);
    private Path output;
    private String naming = BatchPlan.DEFAULT_NAMING;
    private boolean recursive = true;
    private boolean skipExisting;
    private OverwritePolicy overwrite = OverwritePolicy.SKIP;
    private boolean continueOnError = true;
    private Job<?> job;

    public BatchModel(StudioContext ctx) {
        this.ctx = ctx;
        this.choice = new PipelineChoice(ctx.registry().all(), true);
        this.output = ctx.outputFolder();
    }

    /** The pipeline, model and parameters (the chooser the workspace shares); automatic at first. */
    public PipelineChoice choice() {
        return choice;
    }

    public List<PipelineRegistry.Registered> pipelines() {
        return choice.pipelines();
    }

    public void addInput(Path p) {
        if (!inputs.contains(p)) {
            inputs.add(p);
            inputList.set(List.copyOf(inputs));
        }
    }

    public void removeInput(Path p) {
        inputs.remove(p);
        inputList.set(List.copyOf(inputs));
    }

    public Prop<List<Path>> inputs() {
        return inputList;
    }

    /** Chooses a pipeline, or null for automatic (each media kind its default pipeline). */
    public void selectPipeline(PipelineRegistry.Registered r) {
        choice.select(r);
    }

    public void selectModel(ModelOption m) {
        choice.selectModel(m);
    }

    public Prop<PipelineRegistry.Registered> pipeline() {
        return choice.pipeline();
    }

    public Prop<ModelOption> model() {
        return choice.model();
    }

    public Prop<ParameterForm> form() {
        return choice.form();
    }

    public Path output() {
        return output;
    }

    public void output(Path value) {
        output = value;
    }

    public String naming() {
        return naming;
    }

    public void naming(String value) {
        naming = value;
    }

    public boolean recursive() {
        return recursive;
    }

    public void recursive(boolean value) {
        recursive = value;
    }

    public boolean skipExisting() {
        return skipExisting;
    }

    public void skipExisting(boolean value) {
        skipExisting = value;
    }

    public OverwritePolicy overwrite() {
        return overwrite;
    }

    public void overwrite(OverwritePolicy value) {
        overwrite = value;
    }

    public boolean continueOnError() {
        return continueOnError;
    }

    public void continueOnError(boolean value) {
        continueOnError = value;
    }

    public Prop<String> progressText() {
        return progressText;
    }

    public Prop<Double> fraction() {
        return fraction;
    }

    public Prop<BatchReport> report() {
        return report;
    }

    public Prop<String> error() {
        return error;
    }

    public Prop<Boolean> running() {
        return running;
    }

    public Job<?> job() {
        return job;
    }

    /** The plan as the command line would read it (absolute paths). */
    public BatchPlan plan() {
        BatchPlan p = new BatchPlan().inputs(inputs.stream().map(i -> i.toAbsolutePath().toString()).toList())
                .recursive(recursive).output(output == null ? null : output.toAbsolutePath().toString())
                .naming(naming).skipExisting(skipExisting).overwrite(overwrite).continueOnError(continueOnError);
        if (choice.pipeline().get() != null) {
            p.pipeline(choice.pipeline().get().descriptor().id());
        }
        if (choice.model().get() != null) {
            p.model(choice.model().get().id());
        }
        p.parameters(choice.form().get().overrides());
        return p;
    }

    /** An example output name for the first input, or the template error. */
    public String namingExample() {
        try {
            dev.restora.core.batch.BatchNaming.checkTemplate(naming);
            ModelOption m = choice.model().get();
            String pid = choice.pipeline().get() != null ? choice.pipeline().get().descriptor().id()
                    : DefaultPipelines.forKind(ctx.registry(), Modality.IMAGE).orElse("pipeline");
            return new dev.restora.core.batch.BatchNaming(pid, m == null ? "model" : m.id(), m == null ? 1 : m.scale())
                    .apply(naming, "photo.png", null);
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    /**
     * Checks the plan and queues the batch. The check walks the input folders, so it runs on the background
     * executor; a plan that cannot run sets {@link #error()}, else the job is queued (both on the UI executor).
     */
    public void start() {
        BatchPlan plan = plan();
        error.set(null);
        report.set(null);
        fraction.set(0.0);
        running.set(true);
        progressText.set("checking the inputs…");
        ctx.background().execute(() -> {
            int total;
            try {
                // expand now so a missing input or a bad parameter is reported in the dialog, not in the queue
                total = count(ctx, plan);
            } catch (RuntimeException e) {
                ctx.ui().execute(() -> {
                    running.set(false);
                    progressText.set("");
                    error.set(e.getMessage());
                });
                return;
            }
            ctx.ui().execute(() -> submit(plan, total));
        });
    }

    private void submit(BatchPlan plan, int total) {
        progressText.set(total + " items · queued");
        String what = plan.pipeline() != null ? plan.pipeline() : "default pipelines";
        JobSpec spec = JobSpec.batch("batch · " + what + " → " + plan.output(), plan.toJson());
        // item ends are conflated: a fast batch posts at most one pending update to the UI
        LatestValueHandoff<ItemEnd> itemEnds = new LatestValueHandoff<>(ctx.ui(), v -> {
            fraction.set(v.fraction());
            progressText.set(v.text());
        });
        Progress listener = new Progress() {
            @Override
            public void itemFinished(ItemResult r, int done, int all) {
                itemEnds.offer(new ItemEnd(done / (double) all, done + " of " + all + " · "
                        + r.item().input().getFileName() + ": " + r.state().name().toLowerCase(java.util.Locale.ROOT)
                        + (r.error() != null ? " (" + r.error() + ")" : "")));
            }

            @Override
            public void finished(BatchReport r) {
                ctx.ui().execute(() -> report.set(r));
            }
        };
        JobListener states = new JobListener() {
            @Override
            public void stateChanged(Job<?> jb, JobState from, JobState to) {
                if (to == JobState.RUNNING) {
                    ctx.ui().execute(() -> progressText.set("running…"));
                }
                if (to.isTerminal()) {
                    ctx.ui().execute(() -> {
                        running.set(false);
                        if (to == JobState.FAILED) {
                            error.set(jb.errorMessage());
                        } else if (to == JobState.CANCELLED) {
                            progressText.set("cancelled");
                        }
                    });
                }
            }
        };
        job = ctx.queue().submit(spec, JobPriority.BATCH, task(ctx, plan, listener), states);
    }

    public void cancel() {
        if (job != null) {
            job.cancel();
        }
    }

    private record ItemEnd(double fraction, String text) {
    }

    /** Batch progress over all of a batch's routes. Called on the worker. */
    interface Progress {
        /** @param done items finished so far, @param all items of the batch */
        default void itemFinished(ItemResult r, int done, int all) {
        }

        default void finished(BatchReport report) {
        }
    }

    /**
     * Checks the plan and counts its items (walks the folders), the way the job will run it: one {@link RestoreBatch}
     * that routes each file by its content to the plan's pipeline, else to its kind's default. A worker thread. The
     * job walks the folders again when it starts (it may start much later, and the folders may have changed).
     */
    static int count(StudioContext ctx, BatchPlan plan) {
        ctx.threads().offUi("batch folder walk");
        // a copy: prepare writes the routes it chose into the plan it is given
        try (RestoreBatch b = RestoreBatch.prepare(BatchPlan.fromJson(plan.toJson()), ctx.registry(), ctx.resolver(),
                null)) {
            if (b.items().isEmpty()) {
                throw new RestoreFailedException(RestoreFailedException.Reason.USAGE, "no "
                        + (plan.pipeline() == null ? "image or audio" : b.descriptor().modality() == Modality.SPEECH
                        ? "audio" : "image") + " file among the inputs");
            }
            return b.items().size();
        }
    }

    /**
     * The worker task of a batch job: prepare, load once, run every item; progress as step events
     * per item. A batch without a pipeline routes each file to its kind's default pipeline, as {@code restora batch}
     * does, and writes one report (the routes it chose are in the report's plan).
     */
    static JobTask<Object> task(StudioContext ctx, BatchPlan plan, Progress extra) {
        return jc -> {
            ctx.threads().offUi("batch folder walk");
            BatchPlan run = BatchPlan.fromJson(plan.toJson());
            try (RestoreBatch b = RestoreBatch.prepare(run, ctx.registry(), ctx.resolver(), jc.device())) {
                b.load();
                int total = b.items().size();
                long t0 = System.nanoTime();
                BatchListener progress = new BatchListener() {
                    @Override
                    public void itemFinished(ItemResult r, int size) {
                        int done = r.item().index() + 1;
                        jc.listener().onStep(new StepEvent(done - 1, Math.max(1, total), 0, 1,
                                "item " + done + "/" + total, Duration.ofNanos(System.nanoTime() - t0), null, null));
                        if (extra != null) {
                            extra.itemFinished(r, done, total);
                        }
                    }
                };
                BatchReport report = new BatchRunner(run, b.items(), b.processor(RestoreRequest.RANDOM_SEED,
                        item -> null)).token(jc.token()).listener(progress).run();
                if (extra != null) {
                    extra.finished(report);
                }
                return report;
            }
        };
    }
}
