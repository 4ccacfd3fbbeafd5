package dev.restora.app.studio.model;

import dev.restora.core.RestoraException;
import dev.restora.core.batch.BatchPlan;
import dev.restora.core.diffusion.StepEvent;
import dev.restora.core.jobs.Job;
import dev.restora.core.jobs.JobListener;
import dev.restora.core.jobs.JobPriority;
import dev.restora.core.jobs.JobState;
import dev.restora.core.jobs.JobTask;
import dev.restora.core.jobs.LatestValueHandoff;
import dev.restora.core.jobs.WorkerPool;
import dev.restora.core.restore.RestoreRequest;
import dev.restora.core.restore.RestoreTask;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue panel's model: every job of this session (running, queued in run order, then finished, newest first)
 * with its {@link JobSpec}; reorder, pause, cancel one or all. The unfinished jobs are written to
 * {@code <app data>/studio/queue.json} after every change and re-created at the next start with the queue paused.
 * The worker pool may still be starting when jobs arrive: actions wait for it, in order.
 */
public final class QueueModel {
    private static final Logger LOG = LoggerFactory.getLogger(QueueModel.class);
    /** Finished jobs listed (an interactive job holds its result in memory while listed). */
    private static final int MAX_FINISHED = 30;

    /**
     * A snapshot of one job as the queue panel shows it, taken on the UI executor when the job changed; the view
     * reads only these fields and hands {@link #job} back to this model for actions (cancel, move, reorder).
     *
     * @param job       the job (an identity for actions)
     * @param spec      what it does
     * @param title     its description
     * @param state     its state when the snapshot was taken
     * @param stateText "running", "queued", "done", "finished early"...
     * @param fraction  progress 0..1 (1 when done)
     * @param stepping  whether steps have been reported (else a running job shows an indeterminate bar)
     * @param runTime   how long it has run (zero while queued)
     * @param lane      its device: the requested one ("auto") while queued, the lane running it, "gpu:0 → cpu" after
     *                  a GPU ran out of memory ({@link Job#notice()} says why)
     */
    public record Row(Job<?> job, JobSpec spec, String title, JobState state, String stateText, double fraction,
                      boolean stepping, Duration runTime, String lane) {
        static Row of(Job<?> job, JobSpec spec) {
            JobState s = job.state();
            StepEvent e = job.progress();
            String text = s == JobState.SUCCEEDED && job.finishEarlyRequested() ? "finished early" : switch (s) {
                case QUEUED -> "queued";
                case RUNNING -> "running";
                case SUCCEEDED -> "done";
                case FAILED -> "failed";
                case CANCELLED -> "cancelled";
            };
            double f = s == JobState.SUCCEEDED ? 1 : e == null ? 0 : e.fraction();
            return new Row(job, spec, job.description(), s, text, f, e != null, s == JobState.QUEUED ? Duration.ZERO
                    : job.runTime(), job.deviceLabel());
        }

        /** The run time as the panel shows it ("" while queued). */
        public String timeText() {
            return state == JobState.QUEUED ? "" : RunProgress.format(runTime);
        }
    }

    /**
     * The status bar's engine line, built here once: starting, the error that stopped it, or ready with the lanes
     * and whether the queue is paused.
     */
    public record EngineStatus(String text, boolean error) {
    }

    /** The persisted queue. */
    static final class Saved {
        transient long seq;
        boolean paused;
        List<JobSpec> jobs = new ArrayList<>();
    }

    private final StudioContext ctx;
    private final Path file;
    private final Map<Job<?>, JobSpec> specs = new LinkedHashMap<>();
    private final List<Job<?>> finished = new ArrayList<>();
    private final List<Consumer<WorkerPool>> pending = new ArrayList<>();
    private final Prop<List<Row>> rows = new Prop<>(List.of());
    private final Prop<Boolean> paused = new Prop<>(false);
    private final Prop<String> poolError = new Prop<>(null);
    private final Prop<EngineStatus> engine = new Prop<>(new EngineStatus("Starting the engine…", false));
    /** Conflates job changes into one row rebuild per UI turn; TRUE when the saved queue must be written too. */
    private final LatestValueHandoff<Boolean> refresh;
    private final java.util.concurrent.atomic.AtomicBoolean saveDue = new java.util.concurrent.atomic.AtomicBoolean();
    private final JobListener listener = new JobListener() {
        @Override
        public void stateChanged(Job<?> job, JobState from, JobState to) {
            changed(true);
        }

        @Override
        public void progress(Job<?> job, StepEvent event) {
            changed(false);
        }
    };
    /** The pool's lanes as the status line names them, set once the pool has started. */
    private volatile String laneSummary = "";
    private final java.util.concurrent.atomic.AtomicLong saves = new java.util.concurrent.atomic.AtomicLong();
    private long lastWritten;
    private WorkerPool pool;
    private boolean restoring;
    private volatile boolean frozen;
    /**
     * Whether this session may write the queue file: only once it has read the saved queue ({@link #restore}) or
     * queued a job of its own. Before that an early save (the pool starting up) would wipe the previous session's
     * queue before it is restored.
     */
    private volatile boolean claimed;

    QueueModel(StudioContext ctx, Path file) {
        this.ctx = ctx;
        this.file = file;
        this.refresh = new LatestValueHandoff<>(ctx.ui(), v -> rebuild());
    }

    /** A job or the queue changed (any thread): rows are rebuilt once per UI turn, the file written when due. */
    private void changed(boolean save) {
        if (save) {
            saveDue.set(true);
        }
        refresh.offer(Boolean.TRUE);
    }

    /** The engine line of the status bar. */
    public Prop<EngineStatus> engine() {
        return engine;
    }

    public Prop<List<Row>> rows() {
        return rows;
    }

    public Prop<Boolean> paused() {
        return paused;
    }

    /** Why the worker pool could not start (the engine failed), or null. */
    public Prop<String> poolError() {
        return poolError;
    }

    public synchronized WorkerPool pool() {
        return pool;
    }

    /** Runs {@code action} on the pool now, or once it is ready (in submission order). */
    private void withPool(Consumer<WorkerPool> action) {
        WorkerPool p;
        synchronized (this) {
            p = pool;
            if (p == null) {
                pending.add(action);
                return;
            }
        }
        action.accept(p);
    }

    void poolReady(WorkerPool p) {
        if (frozen) {
            // the studio closed while the engine was starting
            p.shutdown(java.time.Duration.ofSeconds(10));
            return;
        }
        laneSummary = lanes(p); // on the starting thread: the UI thread then only reads the text
        p.queue().addChangeListener(() -> changed(true));
        while (true) {
            List<Consumer<WorkerPool>> todo;
            synchronized (this) {
                if (pending.isEmpty()) {
                    pool = p;
                    break;
                }
                todo = new ArrayList<>(pending);
                pending.clear();
            }
            for (Consumer<WorkerPool> a : todo) {
                a.accept(p);
            }
        }
        changed(true);
    }

    void poolFailed(String message) {
        ctx.ui().execute(() -> {
            poolError.set(message);
            engine.set(new EngineStatus(message, true));
        });
    }

    /**
     * Queues a job built by the caller (the workspace's interactive runs); {@code listeners} are attached before the
     * job can start, so they see every transition.
     */
    public <R> Job<R> submit(JobSpec spec, JobPriority priority, JobTask<R> task, JobListener... listeners) {
        Job<R> job = new Job<>(spec.title, priority, ctx.jobDevice(), task);
        job.addListener(listener);
        for (JobListener l : listeners) {
            job.addListener(l);
        }
        synchronized (this) {
            specs.put(job, spec);
        }
        withPool(p -> {
            if (job.isDone()) {
                return;
            }
            try {
                p.submit(job);
            } catch (RestoraException e) {
                LOG.warn("job not queued: {}", e.getMessage());
                job.cancel();
            }
        });
        changed(true);
        return job;
    }

    /** Queues a spec as a file job (restore to a file, or a batch). */
    public Job<?> submit(JobSpec spec) {
        claimed = true;
        if (JobSpec.BATCH.equals(spec.kind)) {
            BatchPlan plan = BatchPlan.fromJson(spec.plan);
            return submit(spec, JobPriority.BATCH, BatchModel.task(ctx, plan, null));
        }
        return submit(spec, JobPriority.INTERACTIVE, restoreTask(spec));
    }

    private JobTask<Object> restoreTask(JobSpec spec) {
        return jc -> {
            Path in = Path.of(spec.input);
            String out = spec.output;
            Path output = out != null ? Path.of(out)
                    : RestoreRequest.defaultOutput(in, ctx.outputFolder(), spec.pipeline);
            RestoreRequest req = new RestoreRequest(in, spec.pipeline, spec.model, spec.parameters, output,
                    jc.device(), spec.seed);
            // the JobContext form: the lane's pipeline cache (no reload per file) and the job's native scope
            return new RestoreTask(req, ctx.registry(), ctx.resolver()).previews(ctx.settings().get().previewPolicy())
                    .run(jc);
        };
    }

    public JobSpec spec(Job<?> job) {
        synchronized (this) {
            return specs.get(job);
        }
    }

    public void moveUp(Job<?> job) {
        withPool(p -> p.queue().moveUp(job));
    }

    public void moveDown(Job<?> job) {
        withPool(p -> p.queue().moveDown(job));
    }

    /** Puts the queued jobs in this order (drag and drop). */
    public void reorder(List<? extends Job<?>> order) {
        withPool(p -> p.queue().reorder(order));
    }

    public void cancel(Job<?> job) {
        job.cancel();
    }

    /** Cancels every queued and running job. */
    public void cancelAll() {
        List<Job<?>> all;
        synchronized (this) {
            all = new ArrayList<>(specs.keySet());
        }
        // queued ones first, so no queued job starts while the running one stops
        for (Job<?> j : all) {
            if (j.state() == JobState.QUEUED) {
                j.cancel();
            }
        }
        for (Job<?> j : all) {
            j.cancel();
        }
    }

    public void setPaused(boolean value) {
        paused.set(value);
        if (poolError.get() == null && pool() != null) {
            engine.set(new EngineStatus("Ready · " + lanes(pool()) + (value ? " · queue paused" : ""), false));
        }
        withPool(p -> {
            if (value) {
                p.queue().pause();
            } else {
                p.queue().resume();
            }
        });
        changed(true);
    }

    /** Drops finished jobs from the list. */
    public void clearFinished() {
        synchronized (this) {
            specs.keySet().removeIf(Job::isDone);
            finished.clear();
        }
        changed(true);
    }

    /** Re-creates the jobs of the last session, with the queue paused. Returns how many. */
    public int restore() {
        Saved saved;
        try {
            saved = JsonFiles.read(file, Saved.class);
        } catch (RuntimeException e) {
            LOG.warn("the saved queue was not restored: {}", e.getMessage());
            return 0;
        } finally {
            claimed = true; // read (or unreadable): from now on this session's queue is the one to save
        }
        if (saved == null || saved.jobs == null || saved.jobs.isEmpty()) {
            return 0;
        }
        restoring = true;
        try {
            setPaused(true);
            int n = 0;
            for (JobSpec s : saved.jobs) {
                try {
                    submit(s);
                    n++;
                } catch (RuntimeException e) {
                    LOG.warn("saved job {} dropped: {}", s.title, e.getMessage());
                }
            }
            return n;
        } finally {
            restoring = false;
            save();
        }
    }

    /** Rebuilds the row snapshots and the engine line (UI executor); saves the unfinished jobs when due. */
    private void rebuild() {
        List<Row> out = new ArrayList<>();
        WorkerPool p = pool();
        List<Job<?>> queued = p == null ? List.of() : p.queue().snapshot();
        synchronized (this) {
            for (Map.Entry<Job<?>, JobSpec> e : specs.entrySet()) {
                if (e.getKey().state() == JobState.RUNNING) {
                    out.add(Row.of(e.getKey(), e.getValue()));
                }
            }
            for (Job<?> j : queued) {
                JobSpec s = specs.get(j);
                if (s != null) {
                    out.add(Row.of(j, s));
                }
            }
            for (Map.Entry<Job<?>, JobSpec> e : specs.entrySet()) {
                Job<?> j = e.getKey();
                if (j.state() == JobState.QUEUED && !queued.contains(j)) {
                    out.add(Row.of(j, e.getValue())); // waiting for the pool
                }
                if (j.isDone() && !finished.contains(j)) {
                    finished.add(0, j);
                }
            }
            while (finished.size() > MAX_FINISHED) {
                specs.remove(finished.remove(finished.size() - 1));
            }
            for (Job<?> j : finished) {
                out.add(Row.of(j, specs.get(j)));
            }
            if (p != null) {
                paused.set(p.queue().isPaused());
            }
        }
        rows.set(List.copyOf(out)); // snapshots: equal rows mean nothing changed
        if (poolError.get() == null) {
            engine.set(new EngineStatus(p == null ? "Starting the engine…" : "Ready · " + laneSummary
                    + (Boolean.TRUE.equals(paused.get()) ? " · queue paused" : ""), false));
        }
        if (!restoring && saveDue.getAndSet(false)) {
            Saved snapshot = saved();
            ctx.background().execute(() -> write(snapshot));
        }
    }

    /** The pool's lanes for the status line ("cpu (2 threads), gpu:0"). */
    private static String lanes(WorkerPool p) {
        return String.join(", ", p.lanes().stream().map(l -> l.name() + (l.device().isGpu() ? "" : " (" + l.threads()
                + " threads)")).toList());
    }

    /** Writes the unfinished persistable jobs, running first, then in queue order (on the calling thread). */
    public void save() {
        write(saved());
    }

    private Saved saved() {
        Saved s = new Saved();
        s.paused = Boolean.TRUE.equals(paused.get());
        for (Row r : rows.get()) {
            if (!r.job().isDone() && r.spec() != null && r.spec().persistable()) {
                s.jobs.add(r.spec());
            }
        }
        synchronized (this) {
            // jobs submitted since the last rebuild
            for (Map.Entry<Job<?>, JobSpec> e : specs.entrySet()) {
                if (!e.getKey().isDone() && e.getValue().persistable() && !s.jobs.contains(e.getValue())) {
                    s.jobs.add(e.getValue());
                }
            }
        }
        s.seq = saves.incrementAndGet();
        return s;
    }

    /** Writes a snapshot unless a newer one was written already (writes may finish out of order). */
    private void write(Saved s) {
        if (frozen || !claimed) {
            return;
        }
        synchronized (file) {
            if (s.seq <= lastWritten) {
                return;
            }
            lastWritten = s.seq;
            try {
                JsonFiles.write(file, s);
            } catch (RuntimeException e) {
                LOG.warn("queue not saved: {}", e.getMessage());
            }
        }
    }

    /** Stops writing the queue file (at shutdown, when the workers cancel their jobs). */
    void freeze() {
        frozen = true;
    }

    public Path file() {
        return file;
    }
}
