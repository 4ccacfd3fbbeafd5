package dev.restora.spark;

import ai.djl.Device;
import dev.restora.core.batch.BatchItem;
import dev.restora.core.batch.BatchPlan;
import dev.restora.core.batch.BatchRunner;
import dev.restora.core.batch.ItemState;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.CancelledException;
import dev.restora.core.engine.Devices;
import dev.restora.core.models.ModelStore;
import dev.restora.core.restore.RestoreException;
import dev.restora.core.restore.RestoreRequest;
import dev.restora.core.restore.RestoreTask;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.util.SerializableConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one partition's items on an executor, one after another on a lane of {@link ExecutorRuntime} (the device
 * Spark assigned to the task: {@code gpu:N} from the task's {@code gpu} resource, else the CPU).
 *
 * <p>Per item: skip it when its committed output verifies ({@link OutputCommitter}); else copy a remote input to a
 * local file, restore it with the core's {@link RestoreTask} (pipeline from the lane's cache, NDArrays in a scope
 * closed after the item, the core's cancellation token), hash the result and commit it.
 *
 * <p>Failures: an input the pipeline cannot use (unreadable, corrupt, wrong kind: reasons INPUT and USAGE) is
 * deterministic and recorded as failed at once. Anything else (a file system error, an engine failure, out of
 * memory) may be transient: it fails the task, so that Spark retries it (items already committed are then skipped),
 * except on the task's last attempt, where the item is recorded as failed and the partition goes on. A killed task
 * stops at the next pipeline step and throws Spark's kill exception; nothing it committed is lost.
 */
final class PartitionRunner implements FlatMapFunction<Iterator<SparkItem>, ItemOutcome> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PartitionRunner.class);

    /** Test hook, called on the task thread after each item (local mode shares the JVM with the test). */
    interface ItemHook {
        void after(ItemOutcome outcome, TaskContext context) throws Exception;
    }

    static volatile ItemHook hook;

    private final JobSettings settings;
    private final SerializableConfiguration hadoop;

    PartitionRunner(JobSettings settings, Configuration hadoop) {
        this.settings = settings;
        this.hadoop = new SerializableConfiguration(hadoop);
    }

    /** Thrown to make Spark retry the task after an item failed in a way that may be transient. */
    static final class RetryableItemFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RetryableItemFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Override
    public Iterator<ItemOutcome> call(Iterator<SparkItem> items) throws Exception {
        TaskContext ctx = TaskContext.get();
        ExecutorRuntime runtime = ExecutorRuntime.get();
        BatchPlan plan = settings.plan();
        OutputCommitter committer = new OutputCommitter(hadoop.value(), new Path(settings.outputRoot()),
                plan.fingerprint(), plan.effectiveOverwrite());
        Device device = device(ctx);
        ExecutorRuntime.Lane lane = runtime.borrow(device);
        CancellationToken token = new CancellationToken();
        runtime.track(ctx, token);
        java.nio.file.Path tmp = Files.createDirectories(java.nio.file.Path.of(SparkFiles.getRootDirectory())
                .resolve("restora-task-" + ctx.taskAttemptId()));
        List<ItemOutcome> out = new ArrayList<>();
        try {
            Work work = new Work(ctx, runtime, lane, committer, plan, token, tmp, executorName());
            while (items.hasNext()) {
                ctx.killTaskIfInterrupted();
                ItemOutcome o = work.run(items.next());
                out.add(o);
                ItemHook h = hook;
                if (h != null) {
                    h.after(o, ctx);
                }
            }
        } finally {
            runtime.untrack(ctx);
            runtime.giveBack(lane);
            deleteTree(tmp);
        }
        return out.iterator();
    }

    /** The GPU Spark assigned to this task ({@code spark.task.resource.gpu.amount}), else the CPU. */
    static Device device(TaskContext ctx) {
        ResourceInformation gpu = ctx == null ? null : ctx.resourcesJMap().get("gpu");
        if (gpu != null && gpu.addresses().length > 0) {
            return Devices.parse("gpu:" + gpu.addresses()[0].trim());
        }
        return Device.cpu();
    }

    private static String executorName() {
        SparkEnv env = SparkEnv.get();
        String id = env == null ? "?" : env.executorId();
        try {
            return id + "@" + InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return id;
        }
    }

    /** One task's state while it runs its items. */
    private final class Work {
        private final TaskContext ctx;
        private final ExecutorRuntime runtime;
        private final ExecutorRuntime.Lane lane;
        private final OutputCommitter committer;
        private final BatchPlan plan;
        private final CancellationToken token;
        private final java.nio.file.Path tmp;
        private final String executor;
        private final String attempt;
        private final ModelStore models;

        Work(TaskContext ctx, ExecutorRuntime runtime, ExecutorRuntime.Lane lane, OutputCommitter committer,
             BatchPlan plan, CancellationToken token, java.nio.file.Path tmp, String executor) {
            this.ctx = ctx;
            this.runtime = runtime;
            this.lane = lane;
            this.committer = committer;
            this.plan = plan;
            this.token = token;
            this.tmp = tmp;
            this.executor = executor;
            this.attempt = ctx.taskAttemptId() + "-" + ctx.attemptNumber();
            this.models = runtime.models(settings.modelsDir());
        }

        ItemOutcome run(SparkItem item) throws IOException {
            long t0 = System.nanoTime();
            String device = Devices.name(lane.device());
            OutputCommitter.Decision d = committer.decide(item);
            if (d.committed() != null && d.committed().committedMillis() >= settings.startedAt()) {
                // an earlier attempt of this task (killed, or failed later on) committed it during this job
                return new ItemOutcome(item.index(), item.input(), d.target().toString(), ItemState.DONE, 0, null,
                        d.committed().sha256(), executor, device, ctx.attemptNumber(),
                        "committed by an earlier attempt of this job");
            }
            if (d.skip() != null) {
                return new ItemOutcome(item.index(), item.input(), d.target().toString(), ItemState.SKIPPED, 0, null,
                        d.committed() == null ? null : d.committed().sha256(), executor, device, ctx.attemptNumber(),
                        d.skip());
            }
            Path input = new Path(item.input());
            java.nio.file.Path staged = committer.staging(d.target(), attempt, tmp);
            java.nio.file.Path localInput = null;
            try {
                localInput = localCopy(input);
                Files.createDirectories(staged.getParent());
                RestoreRequest request = new RestoreRequest(localInput, item.pipelineId(), item.modelId(),
                        plan.parameters(), staged, lane.device(), RestoreRequest.RANDOM_SEED);
                new RestoreTask(request, runtime.registry(), models).runCached(lane.pipelines(), lane.root(), null,
                        token);
                String sha = ModelStore.sha256(staged);
                committer.commit(item, staged, d.target(), sha, attempt);
                return new ItemOutcome(item.index(), item.input(), d.target().toString(), ItemState.DONE,
                        (System.nanoTime() - t0) / 1e9, null, sha, executor, device, ctx.attemptNumber(), null);
            } catch (CancelledException e) {
                committer.abort(staged, d.target(), attempt);
                ctx.killTaskIfInterrupted();
                throw e;
            } catch (Exception | OutOfMemoryError e) {
                committer.abort(staged, d.target(), attempt);
                ctx.killTaskIfInterrupted();
                String msg = message(item, localInput, e);
                boolean deterministic = e instanceof java.io.FileNotFoundException || e instanceof RestoreException r
                        && (r.reason() == RestoreException.Reason.INPUT || r.reason() == RestoreException.Reason.USAGE);
                if (!deterministic && ctx.attemptNumber() + 1 < settings.maxFailures()) {
                    LOG.warn("{} (attempt {} of {}; the task is retried)", msg, ctx.attemptNumber() + 1,
                            settings.maxFailures());
                    throw new RetryableItemFailure(msg, e);
                }
                if (deterministic) {
                    LOG.warn("{}", msg);
                    LOG.debug("item failure", e);
                } else {
                    LOG.warn("{}", msg, e);
                }
                return new ItemOutcome(item.index(), item.input(), d.target().toString(), ItemState.FAILED,
                        (System.nanoTime() - t0) / 1e9, msg, null, executor, device, ctx.attemptNumber(), null);
            } finally {
                if (localInput != null && !HadoopFiles.isLocal(input)) {
                    Files.deleteIfExists(localInput);
                }
            }
        }

        /** The input as a local file: itself when local, else a copy in the task's folder. */
        private java.nio.file.Path localCopy(Path input) throws IOException {
            if (HadoopFiles.isLocal(input)) {
                return HadoopFiles.local(input);
            }
            java.nio.file.Path local = tmp.resolve("in-" + attempt + "-" + input.getName());
            HadoopFiles.fs(input, hadoop.value()).copyToLocalFile(false, input, new Path(local.toUri()), true);
            return local;
        }
    }

    /** The core's user-facing message, naming the input as listed (not its local copy). */
    private static String message(SparkItem item, java.nio.file.Path localInput, Throwable e) {
        java.nio.file.Path shown = localInput != null ? localInput : java.nio.file.Path.of(new Path(item.input())
                .getName());
        String m = BatchRunner.message(new BatchItem(item.index(), shown, shown.getFileName(), shown), e);
        return localInput != null && !HadoopFiles.isLocal(new Path(item.input()))
                ? m.replace(localInput.toString(), item.input()) : m;
    }

    private static void deleteTree(java.nio.file.Path dir) {
        try (Stream<java.nio.file.Path> s = Files.walk(dir)) {
            for (java.nio.file.Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // Spark deletes its local folders when the application ends
        }
    }
}
