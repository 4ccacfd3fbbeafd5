package dev.restora.core.jobs;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDManager;
import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.CancelledException;
import dev.restora.core.engine.DeviceChoice;
import dev.restora.core.engine.DeviceInfo;
import dev.restora.core.engine.Devices;
import dev.restora.core.engine.EngineSetup;
import dev.restora.core.engine.NativeAllocator;
import dev.restora.core.engine.OutOfMemory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link Job}s from a {@link JobQueue} on worker lanes: one lane per GPU that DJL reports and one CPU lane.
 * A lane is one worker thread that runs one job at a time (a job already uses every core through the engine's
 * intra-op threads, see {@link EngineSetup}; two jobs at once on the CPU only compete for them) and keeps a
 * {@link PipelineCache} of loaded pipelines.
 *
 * <p>Jobs without a device go to the GPU lanes when there are any, else to the CPU lane; a job that names a device
 * runs on that device's lane (Apple's MPS device only gets jobs that name it). Every job gets its own NDManager on
 * the lane's device, closed when the task ends whatever happens, before the job reaches its terminal state.
 * {@link #shutdown} cancels queued and running jobs and closes the cached pipelines.
 *
 * <p>A GPU (or MPS) out of memory: the pipelines halve their tile or chunk and retry on the device first; when the
 * run still fails with the device out of memory ({@link OutOfMemory#onDevice}), the job goes back to the queue, at
 * the front of its priority, for the CPU lane (RUNNING → QUEUED, {@link Job#notice()} says why, a warning is logged)
 * and runs again there from the start: tasks must leave no partial effect behind (restores write their outputs
 * atomically). So that this is always possible, a pool with GPU lanes and no CPU lane gets one.
 */
public final class WorkerPool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);

    /** Default number of pipelines a lane keeps loaded. */
    public static final int DEFAULT_CACHE_CAPACITY = 2;

    /**
     * A lane as the studio lists it.
     *
     * @param name       "cpu" or "gpu:N"
     * @param threads    the engine's intra-op threads a CPU job uses (1 for a GPU lane's host side)
     * @param current    the running job, or null when idle
     * @param pipelines  the loaded pipelines, least recently used first
     */
    public record LaneInfo(String name, Device device, int threads, Job<?> current,
                           List<PipelineCache.Key> pipelines) {
    }

    private final JobQueue queue = new JobQueue();
    private final List<Lane> lanes = new ArrayList<>();
    private final List<JobListener> listeners = new CopyOnWriteArrayList<>();
    private final boolean hasGpuLane;
    private volatile boolean shutdown;

    /**
     * A pool with one lane per device of {@code laneDevices} (each at most once), plus a CPU lane if they hold none.
     *
     * @param cacheCapacity pipelines each lane keeps loaded
     */
    public WorkerPool(List<Device> laneDevices, int cacheCapacity) {
        if (laneDevices.isEmpty()) {
            throw new IllegalArgumentException("a worker pool needs at least one lane");
        }
        if (laneDevices.stream().distinct().count() != laneDevices.size()) {
            throw new IllegalArgumentException("one lane per device: " + laneDevices);
        }
        // idempotent: the app and the command line have normally done it already, before any DJL use
        EngineSetup.Report setup = EngineSetup.configure();
        int cpuThreads = setup.intraOpThreads();
        List<Device> devices = new ArrayList<>(laneDevices);
        if (devices.stream().noneMatch(DeviceChoice::isCpu)) {
            devices.add(Device.cpu()); // where a job goes when its GPU runs out of memory
        }
        boolean gpu = false;
        for (Device d : devices) {
            gpu |= d.isGpu();
            lanes.add(new Lane(d, DeviceChoice.isCpu(d) ? cpuThreads : 1, cacheCapacity));
        }
        hasGpuLane = gpu;
        for (Lane lane : lanes) {
            lane.thread.start();
        }
    }

    /** One lane per GPU the engine reports, the MPS lane on Apple silicon, then the CPU lane. */
    public static WorkerPool forMachine() {
        return forMachine(DEFAULT_CACHE_CAPACITY);
    }

    public static WorkerPool forMachine(int cacheCapacity) {
        List<Device> devices = new ArrayList<>();
        for (DeviceInfo info : Devices.usable()) {
            if (info.isGpu()) {
                devices.add(info.device());
            }
        }
        if (DeviceChoice.mpsPossible()) {
            devices.add(DeviceChoice.mps()); // opt-in: only jobs that name it
        }
        devices.add(Device.cpu());
        return new WorkerPool(devices, cacheCapacity);
    }

    /** Submits a job for any lane. */
    public <R> Job<R> submit(String description, JobPriority priority, JobTask<R> task) {
        return submit(new Job<>(description, priority, null, task));
    }

    /** Submits a job for {@code device}'s lane (null: any lane). */
    public <R> Job<R> submit(String description, JobPriority priority, Device device, JobTask<R> task) {
        return submit(new Job<>(description, priority, device, task));
    }

    /**
     * Queues {@code job}; the pool's listeners are added to it first.
     *
     * @throws RestoraException when the pool is shut down or no lane runs the job's device
     */
    public <R> Job<R> submit(Job<R> job) {
        if (shutdown) {
            throw new RestoraException("the worker pool is shut down; " + job.description() + " was not started");
        }
        if (job.device() != null && lanes.stream().noneMatch(l -> l.device.equals(job.device()))) {
            throw new RestoraException("device " + Devices.name(job.device()) + " has no worker here; available: "
                    + String.join(", ", lanes.stream().map(l -> l.name).toList()));
        }
        for (JobListener l : listeners) {
            job.addListener(l);
        }
        try {
            queue.add(job);
        } catch (IllegalStateException e) {
            throw new RestoraException("cannot queue " + job.description() + ": " + e.getMessage(), e);
        }
        return job;
    }

    /** The queue, for the studio's reordering and pausing. */
    public JobQueue queue() {
        return queue;
    }

    /** Listens to every job submitted from now on. */
    public void addListener(JobListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    public void removeListener(JobListener listener) {
        listeners.remove(listener);
    }

    /** The lanes, their running jobs and loaded pipelines. */
    public List<LaneInfo> lanes() {
        List<LaneInfo> out = new ArrayList<>();
        for (Lane l : lanes) {
            out.add(new LaneInfo(l.name, l.device, l.threads, l.current, l.cache.keys()));
        }
        return out;
    }

    /** The running jobs, then the queued ones in run order. */
    public List<Job<?>> activeJobs() {
        List<Job<?>> out = new ArrayList<>();
        for (Lane l : lanes) {
            Job<?> j = l.current;
            if (j != null) {
                out.add(j);
            }
        }
        out.addAll(queue.snapshot());
        return out;
    }

    /**
     * NDArrays currently open in job scopes over all lanes (the loaded pipelines' weights are not counted). Zero
     * whenever no job runs; a diagnostic for tests and the studio's memory view.
     */
    public int openJobArrays() {
        int n = 0;
        for (Lane l : lanes) {
            if (l.jobs.isOpen()) {
                n += l.jobs.getManagedArrays().size();
            }
        }
        return n;
    }

    public boolean isShutdown() {
        return shutdown;
    }

    /** {@link #shutdown(Duration)} waiting up to 30 s. */
    @Override
    public void close() {
        shutdown(Duration.ofSeconds(30));
    }

    /**
     * Stops the pool: no new jobs, queued jobs CANCELLED, running jobs cancelled (they stop at their next step), then
     * waits up to {@code wait} for the workers and closes the cached pipelines and the lanes' managers.
     *
     * @return whether every worker stopped in time (if not, its native memory is left to the process's end rather
     *         than freed under a running operation)
     */
    public boolean shutdown(Duration wait) {
        synchronized (this) {
            if (shutdown) {
                return lanes.stream().noneMatch(l -> l.thread.isAlive());
            }
            shutdown = true;
        }
        for (Job<?> j : queue.close()) {
            j.cancel();
        }
        for (Lane l : lanes) {
            Job<?> j = l.current;
            if (j != null) {
                j.cancel();
            }
        }
        long deadline = System.nanoTime() + wait.toNanos();
        boolean all = true;
        for (Lane l : lanes) {
            try {
                long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                l.thread.join(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (l.thread.isAlive()) {
                all = false;
                LOG.warn("worker {} did not stop within {}; its memory is not freed", l.name, wait);
            } else {
                l.release();
            }
        }
        return all;
    }

    /** The text shown to the user for a task's exception. */
    static String userMessage(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof RestoraException && c.getMessage() != null) {
                return c.getMessage();
            }
        }
        if (t instanceof OutOfMemoryError) {
            return "out of memory: " + t.getMessage() + " (try a smaller tile size or a smaller input)";
        }
        if (t instanceof EngineException) {
            return "the engine failed: " + t.getMessage();
        }
        String m = t.getMessage();
        return "internal error (" + t.getClass().getSimpleName() + ")" + (m == null ? "" : ": " + m)
                + "; see the log for details";
    }

    private final class Lane implements Runnable {
        final Device device;
        final String name;
        final int threads;
        final NDManager base;
        final NDManager jobs;
        final PipelineCache cache;
        final Thread thread;
        volatile Job<?> current;

        Lane(Device device, int threads, int cacheCapacity) {
            this.device = device;
            this.name = Devices.name(device);
            this.threads = threads;
            this.base = NDManager.newBaseManager(device);
            this.base.setName("lane " + name);
            this.jobs = base.newSubManager(device);
            this.jobs.setName("jobs " + name);
            NDManager weights = base.newSubManager(device);
            weights.setName("pipelines " + name);
            this.cache = new PipelineCache(weights, device, cacheCapacity);
            this.thread = new Thread(this, "restora-worker-" + name.replace(':', '-'));
            this.thread.setDaemon(true);
        }

        boolean accepts(Job<?> job) {
            Device wanted = job.runDevice();
            if (wanted != null) {
                return wanted.equals(device);
            }
            return device.isGpu() || !hasGpuLane && DeviceChoice.isCpu(device);
        }

        @Override
        public void run() {
            while (true) {
                Job<?> job;
                try {
                    job = queue.take(this::accepts);
                } catch (InterruptedException e) {
                    if (shutdown) {
                        return;
                    }
                    continue;
                }
                if (job == null) {
                    return;
                }
                runJob(job);
                if (queue.size() == 0) {
                    // idle: the run's free memory goes back to the system (NativeAllocator: jemalloc's purge, or
                    // the trim of the launchers' one glibc heap; nothing otherwise)
                    NativeAllocator.releaseFreeMemory();
                }
            }
        }

        private <R> void runJob(Job<R> job) {
            if (!job.start(name)) {
                return;
            }
            current = job;
            R value = null;
            Throwable failure = null;
            try {
                NDManager scope = jobs.newSubManager(device);
                scope.setName("job " + job.id());
                try {
                    value = job.task().run(new JobContext(job, scope, device, cache));
                } finally {
                    scope.close();
                }
            } catch (Throwable t) {
                failure = t;
            } finally {
                current = null;
                Thread.interrupted(); // an interrupt meant for this job must not reach the next one
            }
            if (failure != null && !DeviceChoice.isCpu(device) && OutOfMemory.onDevice(failure)
                    && moveToCpu(job, failure)) {
                return;
            }
            if (job.token().isCancelled() || failure instanceof CancelledException
                    || failure instanceof InterruptedException) {
                job.cancelled();
                LOG.debug("job {} cancelled", job.id());
            } else if (failure != null) {
                String msg = userMessage(failure);
                if (failure instanceof RestoraException) {
                    LOG.info("job {} failed: {}", job.id(), msg);
                    LOG.debug("job {} failure", job.id(), failure);
                } else {
                    LOG.warn("job {} failed: {}", job.id(), msg, failure);
                }
                job.fail(msg, failure);
            } else {
                job.succeed(value);
            }
        }

        /** Puts a job whose run ran out of this device's memory back in the queue for the CPU lane. */
        private boolean moveToCpu(Job<?> job, Throwable failure) {
            String why = name + " ran out of memory (" + OutOfMemory.summary(failure) + "); running on the CPU instead";
            if (!job.requeue(Device.cpu(), why)) {
                return false; // cancelled meanwhile: reported as such below
            }
            LOG.warn("job {}: {}", job.id(), why);
            LOG.debug("job {} failure on {}", job.id(), name, failure);
            if (!queue.addFront(job)) {
                job.cancel(); // the pool is shutting down
            }
            return true;
        }

        void release() {
            cache.close();
            base.close();
        }
    }
}
