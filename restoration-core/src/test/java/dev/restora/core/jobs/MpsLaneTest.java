package dev.restora.core.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.restora.core.engine.DeviceChoice;
import dev.restora.core.engine.EngineSetup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Apple's GPU is opt-in in the worker pool too: with an injected MPS lane (as on Apple silicon; the tasks here allocate
 * nothing on it), a job that names no device or names the CPU runs on the CPU lane, and only a job that names
 * {@code mps} runs on the MPS lane.
 */
class MpsLaneTest {
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

    @Test
    void onlyJobsThatNameMpsRunOnItsLane() throws Exception {
        pool = new WorkerPool(List.of(DeviceChoice.mps(), Device.cpu()), 1);
        assertEquals(List.of("mps", "cpu"), pool.lanes().stream().map(WorkerPool.LaneInfo::name).toList());
        List<Device> seen = new CopyOnWriteArrayList<>();
        Job<String> auto = pool.submit("auto", JobPriority.INTERACTIVE, ctx -> {
            seen.add(ctx.device());
            return "a";
        });
        Job<String> batch = pool.submit("batch", JobPriority.BATCH, ctx -> "b");
        Job<String> cpu = pool.submit("cpu", JobPriority.BATCH, Device.cpu(), ctx -> "c");
        Job<String> mps = pool.submit("mps", JobPriority.BATCH, DeviceChoice.mps(), ctx -> {
            seen.add(ctx.device());
            return "m";
        });
        for (Job<?> j : List.of(auto, batch, cpu, mps)) {
            assertTrue(j.await(Duration.ofSeconds(30)), j.toString());
            assertEquals(JobState.SUCCEEDED, j.state(), j.toString());
        }
        assertEquals("cpu", auto.lane(), "auto never picks Apple's GPU");
        assertEquals("cpu", batch.lane());
        assertEquals("cpu", cpu.lane());
        assertEquals("mps", mps.lane());
        assertTrue(seen.contains(Device.cpu()) && seen.contains(DeviceChoice.mps()), seen.toString());
    }
}
