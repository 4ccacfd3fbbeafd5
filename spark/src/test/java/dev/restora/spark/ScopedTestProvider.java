package dev.restora.spark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.pipeline.Media;
import dev.restora.core.pipeline.Modality;
import dev.restora.core.pipeline.ModelOption;
import dev.restora.core.pipeline.PipelineContext;
import dev.restora.core.pipeline.PipelineDescriptor;
import dev.restora.core.pipeline.PipelineProvider;
import dev.restora.core.pipeline.RestorationPipeline;
import dev.restora.core.pipeline.RunContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.spark.TaskContext;

/**
 * A test image pipeline doing real NDArray work: one weight array loaded in {@code create} (counted), and per run
 * a few arrays in the run's scope (x * w, then 1 - (1 - x)), so that a leak of the per-item scope shows up as
 * growing managed-array counts in the lane.
 */
public class ScopedTestProvider implements PipelineProvider {
    static final String ID = "t-scoped";
    /** Pipelines created, by pipeline id. */
    static final Map<String, AtomicInteger> CREATED = new ConcurrentHashMap<>();
    /**
     * When set: the run of this number (1-based) in attempt 0 of partition 0 announces its task on {@link #HELD}
     * and runs "steps" until its cancellation token is cancelled (a long diffusion run killed mid-way).
     */
    static volatile int holdRun;
    static final BlockingQueue<Long> HELD = new LinkedBlockingQueue<>();
    private static final Map<Long, AtomicInteger> RUNS = new ConcurrentHashMap<>();

    private final PipelineDescriptor d;

    public ScopedTestProvider() {
        this(ID);
    }

    ScopedTestProvider(String id) {
        d = new PipelineDescriptor(id, "Test scoped", Modality.IMAGE, "test",
                List.of(new ModelOption("plain", "Plain", List.of(), 1, "")), List.of());
    }

    /** The same pipeline under another id, used by one test only (its load count starts at 0). */
    public static final class Counting extends ScopedTestProvider {
        static final String ID = "t-scoped-counting";

        public Counting() {
            super(ID);
        }
    }

    @Override
    public PipelineDescriptor descriptor() {
        return d;
    }

    @Override
    public RestorationPipeline create(PipelineContext context) {
        CREATED.computeIfAbsent(d.id(), k -> new AtomicInteger()).incrementAndGet();
        PipelineDescriptor d = this.d;
        NDArray weight = context.manager().create(new float[] {1f});
        return new RestorationPipeline() {
            @Override
            public PipelineDescriptor descriptor() {
                return d;
            }

            @Override
            public Media run(Media input, RunContext ctx) {
                ImageBuffer img = ((Media.Image) input).image();
                hold(ctx);
                ctx.token().throwIfCancelled();
                failOn(img.width());
                NDArray x = ctx.scope().create(img.rgb(), new Shape(3, img.height(), img.width())).mul(weight);
                NDArray y = x.neg().add(1f).neg().add(1f);
                return Media.of(img.withPixels(img.width(), img.height(), y.clip(0f, 1f).toFloatArray(), null));
            }
        };
    }

    /** A 9 px wide image fails on a task's first attempt only (transient), a 7 px wide one always. */
    static final int FLAKY_WIDTH = 9;
    static final int BROKEN_WIDTH = 7;

    private static void failOn(int width) {
        TaskContext task = TaskContext.get();
        if (width == BROKEN_WIDTH || width == FLAKY_WIDTH && task != null && task.attemptNumber() == 0) {
            throw new IllegalStateException("the device reported an error (test, width " + width + ")");
        }
    }

    private static void hold(RunContext ctx) {
        TaskContext task = TaskContext.get();
        if (holdRun <= 0 || task == null || task.attemptNumber() != 0 || task.partitionId() != 0) {
            return;
        }
        int run = RUNS.computeIfAbsent(task.taskAttemptId(), k -> new AtomicInteger()).incrementAndGet();
        if (run != holdRun) {
            return;
        }
        HELD.add(task.taskAttemptId());
        while (!ctx.token().isCancelled()) {
            LockSupport.parkNanos(1_000_000); // one "diffusion step"; the token is checked after each
        }
        ctx.token().throwIfCancelled();
    }
}
