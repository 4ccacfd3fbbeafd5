package dev.restora.app.studio.model;

import dev.restora.core.diffusion.PreviewFrame;
import dev.restora.core.diffusion.SeededNoise;
import dev.restora.core.diffusion.StepEvent;
import dev.restora.core.jobs.Job;
import dev.restora.core.jobs.JobListener;
import dev.restora.core.jobs.JobPriority;
import dev.restora.core.jobs.JobState;
import dev.restora.core.jobs.LatestValueHandoff;
import dev.restora.core.pipeline.Media;
import dev.restora.core.pipeline.ModelOption;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.plugins.PipelineRegistry;
import dev.restora.core.restore.DefaultPipelines;
import dev.restora.core.restore.MediaFiles;
import dev.restora.core.restore.RestoreRequest;
import dev.restora.core.restore.RestoreTask;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One opened item's workspace: the pipelines that fit its kind, the chosen pipeline and model, the parameter form,
 * and the run: Run / Cancel / Finish early, live progress and previews, the step history for scrubbing, the result.
 *
 * <p>Threads: every method and every {@link Prop} change happens on the UI executor. The run's step events arrive on
 * a worker: each is recorded in the {@link StepHistory} there (a thumbnail per preview) and handed to the UI through
 * a {@link LatestValueHandoff}, so however fast the steps come, the UI queue holds at most one pending update.
 */
public final class WorkspaceModel {
    /** The workspace's run state. */
    public enum RunState { IDLE, QUEUED, RUNNING, DONE, CANCELLED, FAILED }

    private final StudioContext ctx;
    private final OpenedItem item;
    private final PipelineChoice choice;
    private final Prop<RunState> state = new Prop<>(RunState.IDLE);
    private final Prop<RunProgress> progress = new Prop<>(RunProgress.NONE);
    private final Prop<String> status = new Prop<>("");
    private final Prop<Integer> historySize = new Prop<>(0);
    private final Prop<PreviewFrame> preview = new Prop<>(null);
    private final Prop<Media> result = new Prop<>(null);
    private final Prop<Path> savedTo = new Prop<>(null);
    private final Prop<Boolean> fastPreview = new Prop<>(false);
    /** Whether the result on show came from the approximate fast preview (not the exact default). */
    private final Prop<Boolean> resultIsPreview = new Prop<>(false);
    private boolean runIsPreview;
    private Runnable unfollowPreset = () -> { };
    private JobSpec lastSpec;
    private StepHistory history = new StepHistory(128L << 20);
    private Job<Media> job;
    private long usedSeed = -1;
    /** UI-thread count of step events delivered (conflated), for tests and diagnostics. */
    private int deliveries;

    public WorkspaceModel(StudioContext ctx, OpenedItem item) {
        this.ctx = ctx;
        this.item = item;
        this.choice = new PipelineChoice(ctx.registry().byModality(item.kind()), false);
        if (!choice.pipelines().isEmpty()) {
            String preferred = DefaultPipelines.forKind(ctx.registry(), item.kind()).orElse(null);
            choice.pipelines().stream().filter(r -> r.descriptor().id().equals(preferred)).findFirst()
                    .ifPresent(choice::select);
        } else {
            status.set("no installed pipeline restores " + item.kind().name().toLowerCase(java.util.Locale.ROOT));
        }
        // the fast-preview toggle follows the form's preset field (another pipeline, another form)
        choice.form().listen(f -> {
            unfollowPreset.run();
            ParameterForm.Field preset = presetField();
            unfollowPreset = preset == null ? () -> { } : preset.value().listen(v -> fastPreview.set(FAST_PREVIEW.equals(v)));
            if (preset == null) {
                fastPreview.set(false);
            }
        });
    }

    /**
     * The speech pipelines' preset parameter and its approximate quick-listen value ({@code preset=fast-preview} of
     * SGMSE+ and StoRM: fewer steps, no corrector; see their parameter help). Any pipeline whose form has a
     * {@code preset} choice offering {@code fast-preview} gets the studio's "Fast preview" toggle.
     */
    public static final String PRESET = "preset";
    public static final String FAST_PREVIEW = "fast-preview";

    private ParameterForm.Field presetField() {
        for (ParameterForm.Field f : choice.form().get().fields()) {
            if (f.spec().id().equals(PRESET) && f.spec() instanceof dev.restora.core.pipeline.ParameterSpec.ChoiceSpec c
                    && c.choices().contains(FAST_PREVIEW)) {
                return f;
            }
        }
        return null;
    }

    /** Whether the chosen pipeline offers the approximate fast preview. */
    public boolean offersFastPreview() {
        return presetField() != null;
    }

    /** Whether the next run is the approximate fast preview (false: the exact default). */
    public Prop<Boolean> fastPreview() {
        return fastPreview;
    }

    /** Turns the approximate fast preview on (the preset) or off (back to the form's default, exact). */
    public void setFastPreview(boolean on) {
        ParameterForm.Field f = presetField();
        if (f == null) {
            return;
        }
        f.set(on ? FAST_PREVIEW : f.spec().defaultValue());
    }

    /** Whether the result on show is an approximate fast preview rather than the exact run. */
    public Prop<Boolean> resultIsPreview() {
        return resultIsPreview;
    }

    /** What the last run queued (pipeline, model, parameters, seed), or null before the first run. */
    public JobSpec lastSpec() {
        return lastSpec;
    }

    public OpenedItem item() {
        return item;
    }

    /** The pipeline, model and parameters chosen (the chooser the batch dialog shares). */
    public PipelineChoice choice() {
        return choice;
    }

    /** The pipelines that take this item's kind. */
    public List<PipelineRegistry.Registered> pipelines() {
        return choice.pipelines();
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

    public Prop<RunState> state() {
        return state;
    }

    public Prop<RunProgress> progress() {
        return progress;
    }

    public Prop<String> status() {
        return status;
    }

    /** Number of recorded previews (the step strip's length). */
    public Prop<Integer> historySize() {
        return historySize;
    }

    public StepHistory history() {
        return history;
    }

    /** The preview on show: the latest while running, else the step chosen in the strip. */
    public Prop<PreviewFrame> preview() {
        return preview;
    }

    public Prop<Media> result() {
        return result;
    }

    public Prop<Path> savedTo() {
        return savedTo;
    }

    public Job<Media> job() {
        return job;
    }

    public long usedSeed() {
        return usedSeed;
    }

    public int deliveries() {
        return deliveries;
    }

    public boolean isBusy() {
        RunState s = state.get();
        return s == RunState.QUEUED || s == RunState.RUNNING;
    }

    public void selectPipeline(PipelineRegistry.Registered r) {
        choice.select(r);
    }

    public void selectModel(ModelOption m) {
        choice.selectModel(m);
    }

    /** Whether every weight file of the model is in the store (as last read, off the UI thread). */
    public boolean modelAvailable(ModelOption m) {
        return ctx.storeSnapshot().get().available(m);
    }

    /** The store as last read; changes when a download ends (the model note and choices follow it). */
    public Prop<StoreSnapshot> store() {
        return ctx.storeSnapshot();
    }

    /**
     * Converts media for display (pixels, waveforms: work proportional to the input's size) on the background
     * executor and hands the result to {@code show} on the UI executor.
     */
    public <T> void convert(java.util.function.Supplier<T> work, java.util.function.Consumer<T> show) {
        ctx.background().execute(() -> {
            ctx.threads().offUi("media conversion for display");
            T v;
            try {
                v = work.get();
            } catch (RuntimeException | OutOfMemoryError e) {
                ctx.ui().execute(() -> status.set(item.name() + ": cannot be shown (" + e + ")"));
                return;
            }
            ctx.ui().execute(() -> show.accept(v));
        });
    }

    /** Queues a run with the current choices. */
    public void run() {
        if (isBusy() || choice.pipeline().get() == null) {
            return;
        }
        ParameterForm f = choice.form().get();
        if (f.hasErrors()) {
            status.set("fix the parameters first");
            return;
        }
        PipelineRegistry.Registered reg = choice.pipeline().get();
        ModelOption m = choice.model().get();
        Map<String, Object> overrides = new LinkedHashMap<>(f.overrides());
        ParameterForm.Field seedField = f.seedField();
        long seed = seedField == null ? SeededNoise.randomSeed()
                : ((Number) seedField.value().get()).longValue();
        if (seed < 0) {
            seed = SeededNoise.randomSeed();
        }
        if (seedField != null) {
            overrides.put(seedField.spec().id(), seed);
        }
        try {
            ParameterValues.of(reg.descriptor().parameters(), overrides); // said here, before queuing
        } catch (IllegalArgumentException e) {
            status.set(e.getMessage());
            return;
        }
        usedSeed = seedField == null ? -1 : seed; // a deterministic pipeline reports no seed
        StepHistory h = new StepHistory(128L << 20);
        history = h;
        historySize.set(0);
        preview.set(null);
        result.set(null);
        savedTo.set(null);
        progress.set(RunProgress.NONE);
        deliveries = 0;
        long s = seed;
        var policy = ctx.settings().get().previewPolicy();
        boolean quick = FAST_PREVIEW.equals(overrides.get(PRESET));
        runIsPreview = quick;
        resultIsPreview.set(false);
        JobSpec spec = JobSpec.restore(item.name() + " · " + reg.descriptor().displayName()
                        + (quick ? " · fast preview (approximate)" : ""),
                item.path() == null ? null : item.path().toString(), reg.descriptor().id(), m.id(), overrides, seed,
                null);
        lastSpec = spec;
        Media input = item.media();
        Job<?>[] self = new Job<?>[1];
        LatestValueHandoff<StepEvent> handoff = new LatestValueHandoff<>(ctx.ui(), e -> onStep(self[0], e));
        JobListener listener = new JobListener() {
            @Override
            public void stateChanged(Job<?> jb, JobState from, JobState to) {
                ctx.ui().execute(() -> onState(jb, to));
            }

            @Override
            public void progress(Job<?> jb, StepEvent event) {
                h.record(event);
                handoff.offer(event);
            }
        };
        state.set(RunState.QUEUED);
        // the core restore path on the decoded item: lane pipeline cache, seeding, native scope, error messages
        RestoreTask task = new RestoreTask(new RestoreRequest(item.path() != null ? item.path() : Path.of(item.name()),
                reg.descriptor().id(), m.id(), overrides, suggestedOutput(), null, s), ctx.registry(), ctx.resolver())
                .previews(policy);
        Job<Media> j = ctx.queue().submit(spec, JobPriority.INTERACTIVE, jc -> task.runOn(input, jc), listener);
        self[0] = j;
        job = j;
        status.set(Boolean.TRUE.equals(ctx.queue().paused().get()) ? "queued (the queue is paused)" : "queued");
    }

    private void onStep(Job<?> j, StepEvent e) {
        if (j != job) {
            return;
        }
        deliveries++;
        progress.set(RunProgress.of(e, j.lane()));
        int n = history.size();
        historySize.set(n);
        if (n > 0 && state.get() == RunState.RUNNING) {
            PreviewFrame latest = history.get(n - 1).frame();
            if (latest != null) {
                preview.set(latest);
            }
        }
        if (state.get() == RunState.RUNNING) {
            status.set(RunProgress.of(e, j.lane()).describe());
        }
    }

    private void onState(Job<?> j, JobState to) {
        if (j != job) {
            return;
        }
        switch (to) {
            case QUEUED -> state.set(RunState.QUEUED);
            case RUNNING -> {
                state.set(RunState.RUNNING);
                status.set((j.notice() == null ? "" : j.notice() + " · ") + "loading "
                        + choice.pipeline().get().descriptor().displayName() + " on " + j.lane() + "…");
            }
            case SUCCEEDED -> {
                historySize.set(history.size());
                resultIsPreview.set(runIsPreview);
                result.set((Media) j.result());
                state.set(RunState.DONE);
                status.set((runIsPreview ? "fast preview (approximate) " : "")
                        + (j.finishEarlyRequested() ? "finished early" : "done") + " in "
                        + RunProgress.format(j.runTime()) + (usedSeed < 0 ? "" : " · seed " + usedSeed) + " · " + j.lane());
            }
            case FAILED -> {
                historySize.set(history.size());
                state.set(RunState.FAILED);
                status.set(j.errorMessage());
            }
            case CANCELLED -> {
                historySize.set(history.size());
                state.set(RunState.CANCELLED);
                status.set("cancelled");
            }
            default -> { }
        }
    }

    public void cancel() {
        if (job != null) {
            job.cancel();
        }
    }

    /** Ends the run at the next step, keeping the current predicted result. */
    public void finishEarly() {
        if (job != null && state.get() == RunState.RUNNING) {
            job.finishEarly();
            status.set("finishing early…");
        }
    }

    /** Shows a recorded step (the strip's scrubbing); -1 shows the latest. */
    public void showStep(int index) {
        int n = history.size();
        if (n == 0) {
            return;
        }
        int i = index < 0 || index >= n ? n - 1 : index;
        StepHistory.Entry e = history.get(i);
        if (e.frame() != null) {
            preview.set(e.frame());
        } else {
            // dropped for memory: show the thumbnail
            Pixels.Argb t = e.thumb();
            preview.set(new PreviewFrame.Image("thumbnail", t.width(), t.height(), t.pixels()));
        }
    }

    /** The default place for the result: the output folder (or the input's folder) with the pipeline in the name. */
    public Path suggestedOutput() {
        String pid = choice.pipeline().get() == null ? "restored" : choice.pipeline().get().descriptor().id();
        if (item.path() != null) {
            return RestoreRequest.defaultOutput(item.path(), ctx.outputFolder(), pid);
        }
        Path dir = ctx.outputFolder() != null ? ctx.outputFolder() : Path.of(System.getProperty("user.home"));
        return dir.resolve(item.name().replaceAll("[^A-Za-z0-9_.-]", "_") + "_" + pid + ".png");
    }

    /** Writes the result (atomically) on the background executor; {@link #savedTo()} or the status reports it. */
    public void save(Path target) {
        Media r = result.get();
        if (r == null) {
            return;
        }
        ctx.background().execute(() -> {
            try {
                // the input's alpha goes back on, resampled to the output size, as the command line does
                MediaFiles.write(r, item.format(), target); // the run put the input's alpha back
                ctx.ui().execute(() -> {
                    savedTo.set(target);
                    status.set("saved " + target);
                });
            } catch (RuntimeException e) {
                ctx.ui().execute(() -> status.set(e.getMessage()));
            }
        });
    }
}
