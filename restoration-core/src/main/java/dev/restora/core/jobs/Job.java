package dev.restora.core.jobs;

import ai.djl.Device;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.StepEvent;
import dev.restora.core.engine.DeviceChoice;
import dev.restora.core.engine.Devices;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One unit of work for the {@link WorkerPool}: a {@link JobTask} with a description, a priority and an optional
 * device. Thread-safe.
 *
 * <p>States go QUEUED → RUNNING → SUCCEEDED / FAILED / CANCELLED (or QUEUED → CANCELLED); a terminal state never
 * changes. A job whose run on a GPU ran out of memory goes RUNNING → QUEUED once, to run again on the CPU
 * ({@link #runDevice()}, {@link #notice()}). {@link #cancel()} of a queued job makes it CANCELLED at once; of a
 * running job it sets the token, which the run checks every step, and the job becomes CANCELLED when the task
 * stops. {@link #finishEarly()} asks a running diffusion to stop at the next step and return its latest predicted
 * clean output (the job then SUCCEEDS with it).
 *
 * <p>Once the terminal state's notifications have fired, the job lets go of its listeners and its task (and of the
 * previews in its last progress event): a finished job kept in a list (the studio's queue) must not hold the run's
 * step history, its workspace or its input through them. Listeners added to a finished job are ignored (they would
 * never be called).
 *
 * @param <R> the result type
 */
public final class Job<R> {
    private static final Logger LOG = LoggerFactory.getLogger(Job.class);
    private static final AtomicLong IDS = new AtomicLong();

    private final long id;
    private final String description;
    private final JobPriority priority;
    private final Device device;
    private volatile JobTask<R> task;
    private final CancellationToken token = new CancellationToken();
    private final CompletableFuture<R> completion = new CompletableFuture<>();
    private final List<JobListener> listeners = new CopyOnWriteArrayList<>();
    private final Instant created = Instant.now();

    private JobState state = JobState.QUEUED;
    private R result;
    private String errorMessage;
    private Throwable error;
    private Instant started;
    private Instant finished;
    private String lane;
    private volatile StepEvent progress;
    private volatile JobQueue queue;
    private volatile Device runDevice;
    private String movedFrom;
    /** Device names for {@link #deviceLabel}, made when the device is set (the label is read on the UI thread). */
    private final String requestedName;
    private String runDeviceName;
    private String notice;

    /**
     * @param description what the job does, for lists and logs ("restore photo.png with resshift")
     * @param device      where it must run, or null for the pool's choice
     */
    public Job(String description, JobPriority priority, Device device, JobTask<R> task) {
        this.id = IDS.incrementAndGet();
        this.description = Objects.requireNonNull(description, "description");
        this.priority = Objects.requireNonNull(priority, "priority");
        this.device = device;
        this.requestedName = device != null ? Devices.name(device) : DeviceChoice.AUTO;
        this.task = Objects.requireNonNull(task, "task");
    }

    public Job(String description, JobPriority priority, JobTask<R> task) {
        this(description, priority, null, task);
    }

    /** Unique within the process, increasing in creation order. */
    public long id() {
        return id;
    }

    public String description() {
        return description;
    }

    public JobPriority priority() {
        return priority;
    }

    /** The requested device, or null when any lane may run it. */
    public Device device() {
        return device;
    }

    /** Where the job must run now: the CPU once a GPU ran out of memory for it, else {@link #device()}. */
    public Device runDevice() {
        Device d = runDevice;
        return d != null ? d : device;
    }

    /**
     * The device as the queue shows it: the requested one ({@code auto} when the pool chooses) until the job starts,
     * then the lane running it, and {@code gpu:0 → cpu} once it moved to the CPU.
     */
    public synchronized String deviceLabel() {
        String now = lane != null ? lane : runDeviceName != null ? runDeviceName : requestedName;
        return movedFrom != null ? movedFrom + " \u2192 " + now : now;
    }

    /** Why the job moved to another device (one sentence for the user), or null. */
    public synchronized String notice() {
        return notice;
    }

    /**
     * RUNNING → QUEUED for {@code to}'s lane, after the run failed on its lane's device (out of memory); the listeners
     * see the transition. False when the job is no longer running or was cancelled.
     */
    boolean requeue(Device to, String why) {
        synchronized (this) {
            if (state != JobState.RUNNING || token.isCancelled()) {
                return false;
            }
            state = JobState.QUEUED;
            movedFrom = lane;
            lane = null;
            runDevice = to;
            runDeviceName = Devices.name(to);
            notice = why;
        }
        fire(JobState.RUNNING, JobState.QUEUED);
        return true;
    }

    /** The task; null once the job is finished (the worker reads it only after {@link #start}). */
    JobTask<R> task() {
        return task;
    }

    /** Listeners attached now (0 once the job is finished). For tests and diagnostics. */
    int listenerCount() {
        return listeners.size();
    }

    /** The job's cancellation token, shared with its run. */
    public CancellationToken token() {
        return token;
    }

    public synchronized JobState state() {
        return state;
    }

    public synchronized boolean isDone() {
        return state.isTerminal();
    }

    /** The latest step event of the run, or null before the first step. */
    public StepEvent progress() {
        return progress;
    }

    /** The result of a SUCCEEDED job, else null. */
    public synchronized R result() {
        return result;
    }

    /** The user-facing error message of a FAILED job, else null. */
    public synchronized String errorMessage() {
        return errorMessage;
    }

    /** The exception of a FAILED job (for the log), else null. */
    public synchronized Throwable error() {
        return error;
    }

    /** Name of the lane that ran the job ("cpu", "gpu:0"), or null when it never ran. */
    public synchronized String lane() {
        return lane;
    }

    public Instant created() {
        return created;
    }

    public synchronized Instant started() {
        return started;
    }

    public synchronized Instant finished() {
        return finished;
    }

    /** Time spent running so far (zero while queued). */
    public synchronized Duration runTime() {
        if (started == null) {
            return Duration.ZERO;
        }
        return Duration.between(started, finished != null ? finished : Instant.now());
    }

    /** Whether finish-early was requested (a SUCCEEDED job then holds the last predicted clean output). */
    public boolean finishEarlyRequested() {
        return token.isFinishEarlyRequested();
    }

    /**
     * A future completed with the result when the job succeeds, exceptionally with a {@link JobFailedException}
     * (message = {@link #errorMessage()}) when it fails, and cancelled when it is cancelled. A copy: completing it
     * does not affect the job.
     */
    public CompletableFuture<R> completion() {
        CompletableFuture<R> f = new CompletableFuture<>();
        completion.whenComplete((v, t) -> {
            if (t == null) {
                f.complete(v);
            } else if (t instanceof CancellationException) {
                f.cancel(false);
            } else {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    /**
     * Waits for a terminal state.
     *
     * @return whether the job reached one within {@code timeout}
     */
    public boolean await(Duration timeout) throws InterruptedException {
        try {
            completion.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException | CancellationException e) {
            // terminal
        }
        return true;
    }

    /** Adds a listener; ignored when the job is already finished (no transition is left to report). */
    public void addListener(JobListener listener) {
        Objects.requireNonNull(listener);
        synchronized (this) {
            if (!state.isTerminal()) {
                listeners.add(listener);
            }
        }
    }

    public void removeListener(JobListener listener) {
        listeners.remove(listener);
    }

    /**
     * Cancels the job: a queued job becomes CANCELLED at once and leaves the queue; a running one stops at its next
     * cancellation check (within one step). No effect on a finished job.
     */
    public void cancel() {
        token.cancel();
        boolean changed;
        synchronized (this) {
            changed = state == JobState.QUEUED;
            if (changed) {
                state = JobState.CANCELLED;
                finished = Instant.now();
            }
        }
        if (changed) {
            JobQueue q = queue;
            if (q != null) {
                q.remove(this);
            }
            fire(JobState.QUEUED, JobState.CANCELLED);
            released();
            completion.cancel(false);
        }
    }

    /** Asks a running diffusion to stop at the next step with its latest predicted clean output. */
    public void finishEarly() {
        token.finishEarly();
    }

    void enqueued(JobQueue q) {
        this.queue = q;
    }

    /** QUEUED → RUNNING on a worker; false when the job was cancelled meanwhile. */
    boolean start(String laneName) {
        synchronized (this) {
            if (state != JobState.QUEUED) {
                return false;
            }
            state = JobState.RUNNING;
            started = Instant.now();
            lane = laneName;
        }
        fire(JobState.QUEUED, JobState.RUNNING);
        return true;
    }

    void succeed(R value) {
        synchronized (this) {
            if (!finishRunning(JobState.SUCCEEDED)) {
                return;
            }
            result = value;
        }
        fire(JobState.RUNNING, JobState.SUCCEEDED);
        released();
        completion.complete(value);
    }

    void fail(String message, Throwable cause) {
        synchronized (this) {
            if (!finishRunning(JobState.FAILED)) {
                return;
            }
            errorMessage = message;
            error = cause;
        }
        fire(JobState.RUNNING, JobState.FAILED);
        released();
        completion.completeExceptionally(new JobFailedException(message, cause));
    }

    void cancelled() {
        synchronized (this) {
            if (!finishRunning(JobState.CANCELLED)) {
                return;
            }
        }
        fire(JobState.RUNNING, JobState.CANCELLED);
        released();
        completion.cancel(false);
    }

    /**
     * After the terminal notifications, before the completion future completes (so whoever waits for the job sees
     * it released): drops the listeners, the task and the last event's previews, so that a finished job kept in a
     * list holds only its description, timings and result.
     */
    private void released() {
        synchronized (this) {
            listeners.clear();
        }
        task = null;
        StepEvent last = progress;
        if (last != null && (last.preview() != null || last.quickPreview() != null)) {
            progress = new StepEvent(last.step(), last.steps(), last.stage(), last.stages(), last.stageLabel(),
                    last.elapsed(), null, null);
        }
    }

    private boolean finishRunning(JobState to) {
        if (state != JobState.RUNNING) {
            LOG.warn("job {} is {}, not RUNNING: ignoring the move to {}", id, state, to);
            return false;
        }
        state = to;
        finished = Instant.now();
        return true;
    }

    void reportProgress(StepEvent event) {
        if (isDone()) {
            return; // a late event must not bring back what the finished job let go
        }
        progress = event;
        for (JobListener l : listeners) {
            try {
                l.progress(this, event);
            } catch (RuntimeException e) {
                LOG.warn("job listener failed on progress of job {}", id, e);
            }
        }
    }

    private void fire(JobState from, JobState to) {
        for (JobListener l : listeners) {
            try {
                l.stateChanged(this, from, to);
            } catch (RuntimeException e) {
                LOG.warn("job listener failed on job {} {} -> {}", id, from, to, e);
            }
        }
    }

    @Override
    public String toString() {
        return "job " + id + " [" + priority + ", " + state() + "] " + description;
    }
}
