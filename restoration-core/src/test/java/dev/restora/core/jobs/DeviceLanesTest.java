package dev.restora.core.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import dev.restora.core.diffusion.DiffusionLoop;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.SeededNoise;
import dev.restora.core.diffusion.SlowSampler;
import dev.restora.core.diffusion.Stage;
import dev.restora.core.engine.EngineSetup;
import dev.restora.core.pipeline.ParameterValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Lanes per device and the move to the CPU after a GPU runs out of memory, with an injected GPU lane: this machine
 * has no GPU, so a task on the {@code gpu:0} lane allocates nothing there; its out-of-memory failure is injected as
 * the engine words it, and the CPU runs real DJL work.
 */
class DeviceLanesTest {
    /** libtorch's text for a CUDA allocation failure (first lines). */
    static final String CUDA_OOM = "CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 7.79 GiB total capacity; "
            + "5.12 GiB already allocated; 1.02 GiB free; 5.50 GiB reserved in total by PyTorch)\nIf reserved memory "
            + "is >> allocated memory try setting max_split_size_mb to avoid fragmentation.";

    private WorkerPool pool;

    @BeforeAll
    static void engine() {
        EngineSetup.configure();
    }

    @AfterEach
    void stop() {
        if (pool != null) {
            assertTrue(pool.shutdown(Duration.ofSeconds(30)), "workers stop");
        }
    }

    private WorkerPool gpuPool() {
        pool = new WorkerPool(List.of(Device.gpu(0)), 1);
        return pool;
    }

    /** Records every transition of every job, in order. */
    private static final class Transitions implements JobListener {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void stateChanged(Job<?> job, JobState from, JobState to) {
            seen.add(from + "->" + to);
        }
    }

    /** A short real diffusion on the job's scope: 3 steps of the slow test sampler, without sleeping. */
    private static float[] diffusion(JobContext ctx) {
        DiffusionLoop loop = new DiffusionLoop(ctx.runContext(ParameterValues.defaults(List.of()), new SeededNoise(1),
                PreviewPolicy.OFF), null, null);
        NDArray out = loop.run(new SlowSampler(3, 0), null, ctx.manager(), Stage.WHOLE).output();
        return out.toFloatArray();
    }

    @Test
    void aPoolWithAGpuLaneAlsoHasTheCpuLane() {
        WorkerPool p = gpuPool();
        assertEquals(List.of("gpu:0", "cpu"), p.lanes().stream().map(WorkerPool.LaneInfo::name).toList());
    }

    @Test
    void jobsRunOnTheirDevicesLaneAutoOnTheGpuInteractiveFirst() throws Exception {
        WorkerPool p = gpuPool();
        p.queue().pause();
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        List<Device> devices = Collections.synchronizedList(new ArrayList<>());
        Job<String> batchAuto = p.submit("batch auto", JobPriority.BATCH, ctx -> {
            order.add("batch auto");
            devices.add(ctx.device());
            return "a";
        });
        Job<String> batchGpu = p.submit("batch gpu", JobPriority.BATCH, Device.gpu(0), ctx -> {
            order.add("batch gpu");
            return "b";
        });
        Job<String> interactive = p.submit("interactive", JobPriority.INTERACTIVE, ctx -> {
            order.add("interactive");
            return "i";
        });
        Job<String> cpu = p.submit("cpu", JobPriority.BATCH, Device.cpu(), ctx -> {
            devices.add(ctx.device());
            return "c";
        });
        assertEquals("auto", batchAuto.deviceLabel(), "queued: what was asked for");
        assertEquals("gpu:0", batchGpu.deviceLabel());
        assertEquals("cpu", cpu.deviceLabel());
        p.queue().resume();
        for (Job<?> j : List.of(batchAuto, batchGpu, interactive, cpu)) {
            assertTrue(j.await(Duration.ofSeconds(30)), j.toString());
            assertEquals(JobState.SUCCEEDED, j.state(), j.toString());
        }
        assertEquals(List.of("interactive", "batch auto", "batch gpu"), order, "the GPU lane's run order");
        assertEquals("gpu:0", batchAuto.lane(), "auto goes to the GPU");
        assertEquals("gpu:0", interactive.lane());
        assertEquals("cpu", cpu.lane());
        assertEquals("cpu", cpu.deviceLabel());
        assertTrue(devices.contains(Device.gpu(0)) && devices.contains(Device.cpu()), devices.toString());
    }

    @Test
    void aGpuOutOfMemoryRunsTheJobAgainOnTheCpuLane() throws Exception {
        WorkerPool p = gpuPool();
        Transitions t = new Transitions();
        List<Device> tried = new CopyOnWriteArrayList<>();
        Job<float[]> job = new Job<>("restore big.png", JobPriority.INTERACTIVE, null, ctx -> {
            tried.add(ctx.device());
            if (ctx.device().isGpu()) {
                throw new EngineException(CUDA_OOM);
            }
            return diffusion(ctx);
        });
        job.addListener(t);
        p.submit(job);
        assertTrue(job.await(Duration.ofSeconds(30)));
        assertEquals(JobState.SUCCEEDED, job.state(), String.valueOf(job.errorMessage()));
        assertEquals(List.of(Device.gpu(0), Device.cpu()), tried);
        assertEquals(List.of("QUEUED->RUNNING", "RUNNING->QUEUED", "QUEUED->RUNNING", "RUNNING->SUCCEEDED"), t.seen);
        assertEquals("cpu", job.lane());
        assertEquals("gpu:0 \u2192 cpu", job.deviceLabel());
        assertEquals("gpu:0 ran out of memory (CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 7.79 GiB total "
                + "capacity; 5.12 GiB already allocated; 1.02 GiB free; 5.50 GiB reserved in total by PyTorch)); "
                + "running on the CPU instead", job.notice());
        assertEquals(Device.cpu(), job.runDevice());
        assertArrayEquals(new float[] {0.125f}, job.result(), "the CPU ran the 3 halving steps");
        assertEquals(0, p.openJobArrays(), "both attempts' scopes closed");
    }

    @Test
    void theMovedJobRunsBeforeTheCpuLanesOtherQueuedJobs() throws Exception {
        WorkerPool p = gpuPool();
        CountDownLatch cpuBusy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> cpuOrder = new CopyOnWriteArrayList<>();
        Job<String> blocker = p.submit("blocker", JobPriority.BATCH, Device.cpu(), ctx -> {
            cpuBusy.countDown();
            assertTrue(release.await(30, TimeUnit.SECONDS));
            return "x";
        });
        assertTrue(cpuBusy.await(30, TimeUnit.SECONDS));
        Job<String> waiting = p.submit("waiting", JobPriority.BATCH, Device.cpu(), ctx -> {
            cpuOrder.add("waiting");
            return "w";
        });
        CountDownLatch moved = new CountDownLatch(1);
        Job<String> big = new Job<>("big", JobPriority.BATCH, null, ctx -> {
            if (ctx.device().isGpu()) {
                throw new RuntimeException("tile 4 failed", new EngineException(CUDA_OOM));
            }
            cpuOrder.add("big");
            return "b";
        });
        // moved: back in the queue (for the CPU lane) after its GPU run failed; the state change is announced just
        // before the job is put back, so wait for the queue itself
        p.queue().addChangeListener(() -> {
            if (big.notice() != null && p.queue().snapshot().contains(big)) {
                moved.countDown();
            }
        });
        p.submit(big);
        assertTrue(moved.await(30, TimeUnit.SECONDS), "moved off the GPU");
        release.countDown();
        for (Job<?> j : List.of(blocker, waiting, big)) {
            assertTrue(j.await(Duration.ofSeconds(30)), j.toString());
            assertEquals(JobState.SUCCEEDED, j.state(), j.toString());
        }
        assertEquals(List.of("big", "waiting"), cpuOrder, "it had waited its turn already");
    }

    @Test
    void otherFailuresAndCancelsStayOnTheGpuLane() throws Exception {
        WorkerPool p = gpuPool();
        List<String> runs = new CopyOnWriteArrayList<>();
        Job<Object> wrongDevice = p.submit("mixed devices", JobPriority.BATCH, ctx -> {
            runs.add("mixed " + ctx.device());
            throw new EngineException("Expected all tensors to be on the same device, but found at least two devices");
        });
        Job<Object> hostMemory = p.submit("host memory", JobPriority.BATCH, ctx -> {
            runs.add("host " + ctx.device());
            throw new EngineException("DefaultCPUAllocator: not enough memory: you tried to allocate 4096 GB");
        });
        Job<Object> cancelled = new Job<>("cancelled", JobPriority.BATCH, null, ctx -> {
            runs.add("cancelled " + ctx.device());
            ctx.job().cancel();
            throw new EngineException(CUDA_OOM);
        });
        p.submit(cancelled);
        for (Job<?> j : List.of(wrongDevice, hostMemory, cancelled)) {
            assertTrue(j.await(Duration.ofSeconds(30)), j.toString());
        }
        assertEquals(JobState.FAILED, wrongDevice.state());
        assertEquals(JobState.FAILED, hostMemory.state(), "the CPU's memory would not help");
        assertEquals(JobState.CANCELLED, cancelled.state());
        assertNull(cancelled.notice());
        assertEquals(List.of("mixed gpu(0)", "host gpu(0)", "cancelled gpu(0)"), runs, "each ran once, on the GPU lane");
        assertEquals("gpu:0", wrongDevice.deviceLabel());
    }
}
