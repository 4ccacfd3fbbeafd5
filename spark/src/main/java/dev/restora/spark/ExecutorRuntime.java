package dev.restora.spark;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.engine.EngineSetup;
import dev.restora.core.jobs.PipelineCache;
import dev.restora.core.models.ModelCatalog;
import dev.restora.core.models.ModelStore;
import dev.restora.core.plugins.PipelineRegistry;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

/**
 * What one executor JVM keeps across tasks and jobs: the engine set up once, the pipeline registry and model store,
 * and its <em>lanes</em>. A lane is one device's core {@link PipelineCache} with its own root NDManager; a task
 * borrows a lane for its lifetime, so each pipeline is loaded once per lane and used by one thread at a time (the
 * pipelines' contract). An executor with one task slot per device (the GPU case, or {@code --executor-cores 1})
 * has exactly one lane per device and loads each pipeline once; with N CPU slots it grows up to N CPU lanes.
 *
 * <p>Spark kills a task by marking its {@link TaskContext} interrupted (and interrupting its thread); a watcher turns
 * that into the core's {@link CancellationToken}, which the pipelines check at every step and tile.
 */
final class ExecutorRuntime {
    /** How often the watcher looks for killed tasks; a kill stops the running pipeline within this delay. */
    private static final long KILL_POLL_MILLIS = 100;
    private static ExecutorRuntime instance;

    private final PipelineRegistry registry;
    private final Map<Device, Deque<Lane>> idle = new HashMap<>();
    private final List<Lane> lanes = new ArrayList<>();
    private final Map<String, ModelStore> stores = new ConcurrentHashMap<>();
    private final Map<TaskContext, CancellationToken> running = new ConcurrentHashMap<>();
    private final ScheduledExecutorService watcher;

    /** One device's pipelines, borrowed by one task at a time. */
    record Lane(Device device, NDManager root, PipelineCache pipelines) {
    }

    private ExecutorRuntime() {
        // one task's pipeline uses the cores Spark gives the task (spark.task.cpus), unless threads are set explicitly
        SparkEnv env = SparkEnv.get();
        Integer intraOp = System.getProperty(EngineSetup.NUM_THREADS) != null || env == null ? null
                : Math.max(1, env.conf().getInt("spark.task.cpus", 1));
        EngineSetup.configure(new EngineSetup.Config(intraOp, null));
        registry = PipelineRegistry.load();
        watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "restora-kill-watcher");
            t.setDaemon(true);
            return t;
        });
        watcher.scheduleWithFixedDelay(this::cancelKilled, KILL_POLL_MILLIS, KILL_POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** This JVM's runtime, created on first use. */
    static synchronized ExecutorRuntime get() {
        if (instance == null) {
            instance = new ExecutorRuntime();
        }
        return instance;
    }

    PipelineRegistry registry() {
        return registry;
    }

    /** The model store of {@code dir} (null: the default folder), its catalog every installed pipeline's. */
    ModelStore models(String dir) {
        return stores.computeIfAbsent(dir == null ? "" : dir, d -> new ModelStore(ModelCatalog.fromProviders(
                registry.all().stream().map(PipelineRegistry.Registered::provider).toList()),
                d.isEmpty() ? ModelStore.defaultDirectory() : Path.of(d)));
    }

    /** An idle lane of {@code device}, or a new one. Give it back with {@link #giveBack}. */
    synchronized Lane borrow(Device device) {
        Lane lane = idle.computeIfAbsent(device, d -> new ArrayDeque<>()).poll();
        if (lane == null) {
            NDManager root = NDManager.newBaseManager(device);
            root.setName("restora-spark lane " + lanes.size() + " on " + device);
            // two pipelines stay loaded: a plan may restore images and audio in one job
            lane = new Lane(device, root, new PipelineCache(root, device, 2));
            lanes.add(lane);
        }
        return lane;
    }

    synchronized void giveBack(Lane lane) {
        idle.computeIfAbsent(lane.device(), d -> new ArrayDeque<>()).push(lane);
    }

    /** Cancels {@code token} as soon as Spark kills the task of {@code context}, until {@link #untrack}. */
    void track(TaskContext context, CancellationToken token) {
        running.put(Objects.requireNonNull(context), token);
    }

    void untrack(TaskContext context) {
        running.remove(context);
    }

    private void cancelKilled() {
        running.forEach((ctx, token) -> {
            if (ctx.isInterrupted()) {
                token.cancel();
            }
        });
    }

    /** NDArrays alive in every lane (the loaded weights; item scopes are closed after each item). */
    synchronized int liveArrays() {
        int n = 0;
        for (Lane l : lanes) {
            n += l.root().getManagedArrays().size();
        }
        return n;
    }

    synchronized int laneCount() {
        return lanes.size();
    }
}
