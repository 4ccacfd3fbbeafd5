package dev.restora.app.studio.model;

import dev.restora.core.batch.BatchItem;
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
import dev.restora.core.pipeline.ModelOption;
import dev.restora.core.plugins.PipelineRegistry;
import dev.restora.core.restore.RestoreRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

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
    private final Prop<PipelineRegistry.Registered> pipeline = new Prop<>(null);
    private final Prop<ModelOption> model = new Prop<>(null);
    private final Prop<ParameterForm> form = new Prop<>(new ParameterForm(List.of()));
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
        if (!ctx.registry().all().isEmpty()) {
            selectPipeline(ctx.registry().all().get(0));
        }
        this.output = ctx.outputFolder();
    }

    public List<PipelineRegistry.Registered> pipelines() {
        return ctx.registry().all();
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

    public void selectPipeline(PipelineRegistry.Registered r) {
        pipeline.set(r);
        model.set(r.descriptor().defaultModel());
        form.set(new ParameterForm(r.descriptor().parameters()));
    }

    public void selectModel(ModelOption m) {
        model.set(m);
    }

    public Prop<PipelineRegistry.Registered> pipeline() {
        return pipeline;
    }

    public Prop<ModelOption> model() {
        return model;
    }

    public Prop<ParameterForm> form() {
        return form;
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
        if (pipeline.get() != null) {
            p.pipeline(pipeline.get().descriptor().id());
        }
        if (model.get() != null) {
            p.model(model.get().id());
        }
        p.parameters(form.get().overrides());
        return p;
    }

    /** An example output name for the first input, or the template error. */
    public String namingExample() {
        try {
            dev.restora.core.batch.BatchNaming.checkTemplate(naming);
            ModelOption m = model.get();
            String pid = pipeline.get() == null ? "pipeline" : pipeline.get().descriptor().id();
            return new dev.restora.core.batch.BatchNaming(pid, m == null ? "model" : m.id(), m == null ? 1 : m.scale())
                    .apply(naming, "photo.png", null);
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    /** Validates and queues the batch; false with {@link #error()} set when the plan cannot run. */
    public boolean start() {
        BatchPlan plan = plan();
        try {
            plan.validate();
            // expand now so a missing input or a bad parameter is reported in the dialog, not in the queue
            RestoreBatch.prepare(plan, ctx.registry(), ctx.resolver(), null).close();
        } catch (RuntimeException e) {
            error.set(e.getMessage());
            return false;
        }
        error.set(null);
        report.set(null);
        fraction.set(0.0);
        running.set(true);
        progressText.set("queued");
        JobSpec spec = JobSpec.batch("batch · " + plan.pipeline() + " → " + plan.output(), plan.toJson());
        Consumer<String> onProgress = text -> ctx.ui().execute(() -> progressText.set(text));
        BatchListener listener = new BatchListener() {
            @Override
            public void itemFinished(ItemResult r, int total) {
                int done = r.item().index() + 1;
                ctx.ui().execute(() -> {
                    fraction.set(done / (double) total);
                    progressText.set(done + " of " + total + " · " + r.item().input().getFileName() + ": "
                            + r.state().name().toLowerCase(java.util.Locale.ROOT)
                            + (r.error() != null ? " (" + r.error() + ")" : ""));
                });
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
                    onProgress.accept("running…");
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
        return true;
    }

    public void cancel() {
        if (job != null) {
            job.cancel();
        }
    }

    /** The worker task of a batch job: prepare, load once, run every item; progress as step events per item. */
    static JobTask<Object> task(StudioContext ctx, BatchPlan plan, BatchListener extra) {
        return jc -> {
            try (RestoreBatch b = RestoreBatch.prepare(plan, ctx.registry(), ctx.resolver(), jc.device())) {
                b.load();
                List<BatchItem> items = b.items();
                long t0 = System.nanoTime();
                BatchListener progress = new BatchListener() {
                    @Override
                    public void itemStarted(BatchItem item, int total) {
                        if (extra != null) {
                            extra.itemStarted(item, total);
                        }
                    }

                    @Override
                    public void itemFinished(ItemResult r, int total) {
                        jc.listener().onStep(new StepEvent(r.item().index(), Math.max(1, total), 0, 1,
                                "item " + (r.item().index() + 1) + "/" + total,
                                Duration.ofNanos(System.nanoTime() - t0), null, null));
                        if (extra != null) {
                            extra.itemFinished(r, total);
                        }
                    }

                    @Override
                    public void finished(BatchReport r) {
                        if (extra != null) {
                            extra.finished(r);
                        }
                    }
                };
                return new BatchRunner(plan, items, b.processor(RestoreRequest.RANDOM_SEED, item -> null))
                        .token(jc.token()).listener(progress).run();
            }
        };
    }

}
