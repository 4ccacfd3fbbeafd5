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

    /** A job with what it does. */
    public record Row(Job<?> job, JobSpec spec) {
        /** "running", "queued", "done"... */
        public String stateText() {
            JobState s = job.state();
            if (s == JobState.SUCCEEDED && job.finishEarlyRequested()) {
                return "finished early";
            }
            return switch (s) {
                case QUEUED -> "queued";
                case RUNNING -> "running";
                case SUCCEEDED -> "done";
                case FAILED -> "failed";
                case CANCELLED -> "cancelled";
            };
        }

        /**
         * The job's device: the requested one ("auto") while queued, the lane running it, "gpu:0 → cpu" after a GPU
         * ran out of memory ({@link Job#notice()} says why).
         */
        public String deviceText() {
            return job.deviceLabel();
        }

        public double fraction() {
            JobState s = job.state();
            if (s == JobState.SUCCEEDED) {
                return 1;
            }
            StepEvent e = job.progress();
            return e == null ? 0 : e.fraction();
        }
    }

    /** The persisted queue. */
    static final class Saved {
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
    private final LatestValueHandoff<Boolean> refresh;
    private final JobListener listener = new JobListener() {
        @Override
        public void stateChanged(Job<?> job, JobState from, JobState to) {
            refresh.offer(Boolean.TRUE);
        }
    };
    private WorkerPool pool;
    private boolean restoring;
    private volatile boolean frozen;

    QueueModel(StudioContext ctx, Path file) {
        this.ctx = ctx;
        this.file = file;
        this.refresh = new LatestValueHandoff<>(ctx.ui(), v -> rebuild());
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
        p.queue().addChangeListener(() -> refresh.offer(Boolean.TRUE));
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
        refresh.offer(Boolean.TRUE);
    }

    void poolFailed(String message) {
        ctx.ui().execute(() -> poolError.set(message));
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
        refresh.offer(Boolean.TRUE);
        return job;
    }

    /** Queues a spec as a file job (restore to a file, or a batch). */
    public Job<?> submit(JobSpec spec) {
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
        withPool(p -> {
            if (value) {
                p.queue().pause();
            } else {
                p.queue().resume();
            }
        });
        refresh.offer(Boolean.TRUE);
    }

    /** Drops finished jobs from the list. */
    public void clearFinished() {
        synchronized (this) {
            specs.keySet().removeIf(Job::isDone);
            finished.clear();
        }
        refresh.offer(Boolean.TRUE);
    }

    /** Re-creates the jobs of the last session, with the queue paused. Returns how many. */
    public int restore() {
        Saved saved;
        try {
            saved = JsonFiles.read(file, Saved.class);
        } catch (RuntimeException e) {
            LOG.warn("the saved queue was not restored: {}", e.getMessage());
            return 0;
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

    /** Rebuilds the rows (UI thread) and saves the unfinished jobs. */
    private void rebuild() {
        List<Row> out = new ArrayList<>();
        WorkerPool p = pool();
        List<Job<?>> queued = p == null ? List.of() : p.queue().snapshot();
        synchronized (this) {
            for (Map.Entry<Job<?>, JobSpec> e : specs.entrySet()) {
                if (e.getKey().state() == JobState.RUNNING) {
                    out.add(new Row(e.getKey(), e.getValue()));
                }
            }
            for (Job<?> j : queued) {
                JobSpec s = specs.get(j);
                if (s != null) {
                    out.add(new Row(j, s));
                }
            }
            for (Map.Entry<Job<?>, JobSpec> e : specs.entrySet()) {
                Job<?> j = e.getKey();
                if (j.state() == JobState.QUEUED && !queued.contains(j)) {
                    out.add(new Row(j, e.getValue())); // waiting for the pool
                }
                if (j.isDone() && !finished.contains(j)) {
                    finished.add(0, j);
                }
            }
            while (finished.size() > MAX_FINISHED) {
                specs.remove(finished.remove(finished.size() - 1));
            }
            for (Job<?> j : finished) {
                out.add(new Row(j, specs.get(j)));
            }
            if (p != null) {
                paused.set(p.queue().isPaused());
            }
        }
        rows.force(List.copyOf(out)); // equal rows may still hold jobs whose state changed
        if (!restoring) {
            save();
        }
    }

    /** Writes the unfinished persistable jobs, running first, then in queue order. */
    public void save() {
        if (frozen) {
            return;
        }
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
        try {
            JsonFiles.write(file, s);
        } catch (RuntimeException e) {
            LOG.warn("queue not saved: {}", e.getMessage());
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
