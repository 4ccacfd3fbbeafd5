package dev.restora.core.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.DiffusionLoop;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.SeededNoise;
import dev.restora.core.diffusion.SlowSampler;
import dev.restora.core.diffusion.Stage;
import dev.restora.core.engine.EngineSetup;
import dev.restora.core.pipeline.ParameterValues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The worker pool with real DJL tensors on the CPU lane. */
class WorkerPoolTest {
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

    private WorkerPool cpuPool() {
        pool = new WorkerPool(List.of(Device.cpu()), 2);
        return pool;
    }

    /** Records every transition of every job. */
    private static final class Recorder implements JobListener {
        final Map<Long, List<String>> transitions = new ConcurrentHashMap<>();

        @Override
        public void stateChanged(Job<?> job, JobState from, JobState to) {
            transitions.computeIfAbsent(job.id(), k -> new CopyOnWriteArrayList<>()).add(from + "->" + to);
        }
    }

    @Test
    void twoHundredJobsWithRandomCancelsAllEndOnceAndStayEnded() throws Exception {
        WorkerPool p = cpuPool();
        Recorder rec = new Recorder();
        p.addListener(rec);
        Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();
        ScheduledExecutorService canceller = Executors.newSingleThreadScheduledExecutor();
        Random random = new Random(42);
        List<Job<Integer>> jobs = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                int kind = random.nextInt(10);
                int steps = 1 + random.nextInt(4);
                JobPriority prio = random.nextInt(4) == 0 ? JobPriority.INTERACTIVE : JobPriority.BATCH;
                Job<Integer> job = new Job<>("job " + i, prio, ctx -> {
                    runs.computeIfAbsent(ctx.job().id(), k -> new AtomicInteger()).incrementAndGet();
                    NDArray x = ctx.manager().ones(new Shape(64, 64));
                    for (int s = 0; s < steps; s++) {
                        ctx.token().throwIfCancelled();
                        x = x.matMul(x).div(64);
                        Thread.sleep(1);
                    }
                    if (kind == 9) {
                        throw new RestoraException("item " + ctx.job().description() + " is broken");
                    }
                    return (int) x.getFloat(0, 0);
                });
                if (kind == 1 || kind == 2) {
                    // cancel a little after it starts running, from another thread
                    long delayMicros = random.nextInt(3000);
                    job.addListener(new JobListener() {
                        @Override
                        public void stateChanged(Job<?> j, JobState from, JobState to) {
                            if (to == JobState.RUNNING) {
                                canceller.schedule(j::cancel, delayMicros, TimeUnit.MICROSECONDS);
                            }
                        }
                    });
                }
                p.submit(job);
                jobs.add(job);
                if (kind == 3) {
                    job.cancel(); // most likely still queued
                }
                if (kind == 4 && i > 10) {
                    jobs.get(random.nextInt(i)).cancel(); // any state: queued, running or done
                }
            }
            for (Job<Integer> j : jobs) {
                assertTrue(j.await(Duration.ofSeconds(60)), j + " ends");
            }
            Map<JobState, Integer> counts = new java.util.EnumMap<>(JobState.class);
            Map<Long, JobState> finalStates = new java.util.HashMap<>();
            for (Job<Integer> j : jobs) {
                JobState s = j.state();
                assertTrue(s.isTerminal(), j.toString());
                counts.merge(s, 1, Integer::sum);
                finalStates.put(j.id(), s);
                List<String> t = rec.transitions.get(j.id());
                assertNotNull(t, "transitions of " + j);
                int ran = runs.containsKey(j.id()) ? runs.get(j.id()).get() : 0;
                assertTrue(ran <= 1, j + " ran " + ran + " times");
                if (t.equals(List.of("QUEUED->CANCELLED"))) {
                    assertEquals(0, ran, j + " was cancelled while queued but ran");
                    assertNull(j.lane());
                } else {
                    assertEquals(2, t.size(), j + ": " + t);
                    assertEquals("QUEUED->RUNNING", t.get(0));
                    assertEquals("RUNNING->" + s, t.get(1));
                    assertEquals(1, ran, j + " started but its task ran " + ran + " times");
                    assertEquals("cpu", j.lane());
                }
                switch (s) {
                    case SUCCEEDED -> assertEquals(1, j.result());
                    case FAILED -> assertEquals("item " + j.description() + " is broken", j.errorMessage());
                    case CANCELLED -> assertTrue(j.token().isCancelled());
                    default -> fail();
                }
            }
            System.out.println("200 jobs ended: " + counts);
            assertTrue(counts.getOrDefault(JobState.SUCCEEDED, 0) > 50, counts.toString());
            assertTrue(counts.getOrDefault(JobState.CANCELLED, 0) > 20, counts.toString());
            assertTrue(counts.getOrDefault(JobState.FAILED, 0) > 5, counts.toString());
            long cancelledWhileRunning = jobs.stream().filter(j -> j.state() == JobState.CANCELLED
                    && j.lane() != null).count();
            long cancelledWhileQueued = jobs.stream().filter(j -> j.state() == JobState.CANCELLED
                    && j.lane() == null).count();
            System.out.println("cancelled while running: " + cancelledWhileRunning + ", while queued: "
                    + cancelledWhileQueued);
            assertTrue(cancelledWhileRunning > 0 && cancelledWhileQueued > 0);

            // terminal states never change: cancel and finish-early everything again
            for (Job<Integer> j : jobs) {
                j.cancel();
                j.finishEarly();
            }
            Thread.sleep(100);
            for (Job<Integer> j : jobs) {
                assertEquals(finalStates.get(j.id()), j.state(), j.toString());
                assertEquals(j.lane() == null ? 1 : 2, rec.transitions.get(j.id()).size());
            }
            assertEquals(0, p.queue().size());
            assertEquals(0, p.openJobArrays());
        } finally {
            canceller.shutdownNow();
        }
    }

    @Test
    void priorityOrderIsRespected() throws Exception {
        WorkerPool p = cpuPool();
        p.queue().pause();
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        List<Job<?>> jobs = new ArrayList<>();
        for (String name : new String[] {"b1", "b2", "i1", "b3", "i2", "b4"}) {
            JobPriority prio = name.startsWith("i") ? JobPriority.INTERACTIVE : JobPriority.BATCH;
            jobs.add(p.submit(name, prio, ctx -> order.add(name)));
        }
        assertTrue(p.queue().moveUp(jobs.get(5))); // b4 before b3
        p.queue().resume();
        for (Job<?> j : jobs) {
            assertTrue(j.await(Duration.ofSeconds(30)));
        }
        assertEquals(List.of("i1", "i2", "b1", "b2", "b4", "b3"), order);
    }

    @Test
    void pausedQueueLetsTheRunningJobFinishAndHoldsTheRest() throws Exception {
        WorkerPool p = cpuPool();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Job<String> running = p.submit("running", JobPriority.BATCH, ctx -> {
            started.countDown();
            assertTrue(release.await(30, TimeUnit.SECONDS));
            return "done";
        });
        assertTrue(started.await(30, TimeUnit.SECONDS));
        p.queue().pause();
        Job<String> held = p.submit("held", JobPriority.INTERACTIVE, ctx -> "held done");
        assertEquals(List.of(running, held), p.activeJobs());
        release.countDown();
        assertTrue(running.await(Duration.ofSeconds(30)));
        assertEquals("done", running.result());
        assertFalse(held.await(Duration.ofMillis(200)), "nothing starts while paused");
        assertEquals(JobState.QUEUED, held.state());
        p.queue().resume();
        assertTrue(held.await(Duration.ofSeconds(30)));
        assertEquals("held done", held.result());
        assertEquals(List.of(), p.activeJobs());
    }

    @Test
    void finishedJobsLetGoOfTheirListenersTaskAndPreviews() throws Exception {
        WorkerPool p = cpuPool();
        Recorder rec = new Recorder();
        p.addListener(rec);
        Recorder own = new Recorder();
        int[] big = new int[64 * 64];
        dev.restora.core.diffusion.PreviewFrame frame = new dev.restora.core.diffusion.PreviewFrame.Image("x0",
                64, 64, big);
        Job<String> ok = new Job<>("ok", JobPriority.BATCH, ctx -> {
            ctx.listener().onStep(new dev.restora.core.diffusion.StepEvent(0, 1, 0, 1, "", Duration.ZERO, frame,
                    frame));
            return "done";
        });
        ok.addListener(own);
        Job<String> bad = new Job<>("bad", JobPriority.BATCH, ctx -> {
            throw new RestoraException("bad.png: broken");
        });
        bad.addListener(own);
        CountDownLatch started = new CountDownLatch(1);
        Job<String> stopped = new Job<>("stopped", JobPriority.BATCH, ctx -> {
            started.countDown();
            while (true) {
                ctx.token().throwIfCancelled();
                Thread.sleep(5);
            }
        });
        stopped.addListener(own);
        p.submit(ok);
        p.submit(bad);
        p.submit(stopped);
        assertTrue(started.await(30, TimeUnit.SECONDS));
        p.queue().pause();
        Job<String> queued = new Job<>("queued", JobPriority.BATCH, ctx -> "never");
        queued.addListener(own);
        p.submit(queued);
        queued.cancel();
        stopped.cancel();
        for (Job<?> j : List.of(ok, bad, stopped, queued)) {
            assertTrue(j.await(Duration.ofSeconds(30)), j.toString());
        }
        assertEquals(JobState.SUCCEEDED, ok.state());
        assertEquals(JobState.FAILED, bad.state());
        assertEquals(JobState.CANCELLED, stopped.state());
        assertEquals(JobState.CANCELLED, queued.state());
        for (Job<?> j : List.of(ok, bad, stopped, queued)) {
            // the final transition was still reported to both the job's and the pool's listeners ...
            List<String> seen = own.transitions.get(j.id());
            assertEquals(j.state(), JobState.valueOf(seen.get(seen.size() - 1).split("->")[1]), j.toString());
            assertEquals(seen, rec.transitions.get(j.id()), j.toString());
            // ... and then the job let go of them and of its task
            assertEquals(0, j.listenerCount(), j + " keeps no listeners");
            assertNull(j.task(), j + " keeps no task");
            j.addListener(own);
            assertEquals(0, j.listenerCount(), "a listener added to a finished job is not kept");
        }
        assertEquals("done", ok.result(), "the result stays");
        assertEquals(0, ok.progress().step(), "the last progress stays");
        assertNull(ok.progress().preview(), "without its previews");
        assertNull(ok.progress().quickPreview());
    }

    @Test
    void failingTaskGivesFailedWithItsMessage() throws Exception {
        WorkerPool p = cpuPool();
        Job<Object> bad = p.submit("read broken.png", JobPriority.INTERACTIVE, ctx -> {
            throw new RestoraException("broken.png: not a PNG file (bad signature)");
        });
        Job<Object> bug = p.submit("buggy task", JobPriority.BATCH, ctx -> {
            throw new IllegalStateException("index 7 out of range");
        });
        Job<Object> wrapped = p.submit("wrapped", JobPriority.BATCH, ctx -> {
            throw new java.io.UncheckedIOException(new java.io.IOException("disk",
                    new RestoraException("out.png: the folder is read-only")));
        });
        Job<String> good = p.submit("fine", JobPriority.BATCH, ctx -> "ok");
        for (Job<?> j : List.of(bad, bug, wrapped, good)) {
            assertTrue(j.await(Duration.ofSeconds(30)), j + " ends"); // every state read below is a terminal one
        }
        assertEquals(JobState.FAILED, bad.state());
        assertEquals("broken.png: not a PNG file (bad signature)", bad.errorMessage());
        assertInstanceOf(RestoraException.class, bad.error());
        ExecutionException ee = assertThrows(ExecutionException.class, () -> bad.completion().get());
        assertInstanceOf(JobFailedException.class, ee.getCause());
        assertEquals(bad.errorMessage(), ee.getCause().getMessage());
        assertEquals(JobState.FAILED, bug.state());
        assertEquals("internal error (IllegalStateException): index 7 out of range; see the log for details",
                bug.errorMessage());
        assertEquals("out.png: the folder is read-only", wrapped.errorMessage());
        assertEquals(JobState.SUCCEEDED, good.state(), "a failure does not stop the next job");
        assertEquals("ok", good.completion().get());
        assertNull(good.errorMessage());
    }

    @Test
    void cancelOfRunningDiffusionTakesEffectWithinOneStep() throws Exception {
        WorkerPool p = cpuPool();
        Job<float[]> job = p.submit("long diffusion", JobPriority.INTERACTIVE, ctx -> {
            DiffusionLoop loop = new DiffusionLoop(ctx.runContext(ParameterValues.defaults(List.of()),
                    new SeededNoise(1), PreviewPolicy.OFF), null, null);
            return loop.run(new SlowSampler(10_000, 5), null, ctx.manager(), Stage.WHOLE).output().toFloatArray();
        });
        while (job.progress() == null || job.progress().step() < 3) {
            Thread.sleep(1);
            assertFalse(job.isDone(), "still running");
        }
        job.cancel();
        // read after the cancel: an upper bound on the step running when it was requested, so a slow test thread
        // cannot make the check fail, and a cancel ignored for several steps still does
        int atCancel = job.progress().step();
        assertTrue(job.await(Duration.ofSeconds(10)));
        assertEquals(JobState.CANCELLED, job.state());
        int last = job.progress().step();
        System.out.println("cancelled at step " + atCancel + ", last step done " + last);
        assertTrue(last <= atCancel + 1, "at most the step in progress finishes: " + atCancel + " -> " + last);
        assertEquals(0, p.openJobArrays());
    }

    @Test
    void finishEarlyReturnsTheLastPredictedClean() throws Exception {
        WorkerPool p = cpuPool();
        Job<float[]> job = p.submit("finish early", JobPriority.INTERACTIVE, ctx -> {
            DiffusionLoop loop = new DiffusionLoop(ctx.runContext(ParameterValues.defaults(List.of()),
                    new SeededNoise(1), PreviewPolicy.OFF), null, null);
            DiffusionLoop.Result r = loop.run(new SlowSampler(10_000, 5), null, ctx.manager(), Stage.WHOLE);
            assertTrue(r.finishedEarly());
            // SlowSampler: state_k = 0.5^k, predicted clean of step k = 2 * state_k = state_{k-1}... = 0.5^(k-1)
            float expected = (float) Math.pow(0.5, r.stepsDone() - 1);
            assertEquals(expected, r.output().getFloat(0), 1e-6f * expected);
            return new float[] {r.stepsDone()};
        });
        while (job.progress() == null || job.progress().step() < 2) {
            Thread.sleep(1);
            assertFalse(job.isDone(), "still running");
        }
        job.finishEarly();
        assertTrue(job.await(Duration.ofSeconds(10)));
        assertEquals(JobState.SUCCEEDED, job.state(), () -> String.valueOf(job.errorMessage()));
        assertTrue(job.finishEarlyRequested());
        assertTrue(job.result()[0] >= 3 && job.result()[0] < 100, "stopped early at " + job.result()[0]);
    }

    @Test
    void everyJobScopeIsClosedAndNativeMemoryDoesNotGrow() throws Exception {
        WorkerPool p = cpuPool();
        List<NDManager> scopes = new CopyOnWriteArrayList<>();
        int jobs = 100;
        int warmUp = 10;
        long rssAfterWarmUp = 0;
        long rssStart = rssBytes();
        for (int i = 0; i < jobs; i++) {
            Job<Double> job = p.submit("alloc " + i, JobPriority.BATCH, ctx -> {
                scopes.add(ctx.manager());
                NDManager m = ctx.manager();
                // about 24 MB of tensors per job, some in a sub-scope, some left to the job scope
                NDArray a = m.randomNormal(new Shape(1024, 1024));
                NDArray b = a.mul(a).div(2).add(a.get("0:16").matMul(a.get(":, 0:16")).sum());
                try (NDManager sub = m.newSubManager()) {
                    NDArray c = sub.ones(new Shape(1024, 1024)).add(b);
                    b = c.mean().sum();
                    b.attach(m);
                }
                NDArray d = a.exp().log().sub(a).abs().sum();
                return (double) b.getFloat() + d.getFloat();
            });
            assertTrue(job.await(Duration.ofSeconds(60)));
            assertEquals(JobState.SUCCEEDED, job.state(), () -> String.valueOf(job.errorMessage()));
            assertFalse(scopes.get(i).isOpen(), "job " + i + "'s scope is closed");
            assertEquals(0, p.openJobArrays(), "no array of job " + i + " left open");
            if (i == warmUp - 1) {
                rssAfterWarmUp = rssBytes();
            }
        }
        long rssEnd = rssBytes();
        System.out.printf("VmRSS: start %.1f MB, after %d warm-up jobs %.1f MB, after %d jobs %.1f MB "
                        + "(growth after warm-up %.1f MB; each job allocates about 24 MB)%n",
                rssStart / 1e6, warmUp, rssAfterWarmUp / 1e6, jobs, rssEnd / 1e6, (rssEnd - rssAfterWarmUp) / 1e6);
        assertEquals(jobs, scopes.size());
        if (rssEnd > 0) {
            // a leak of the job scopes would be about 90 x 24 MB = 2 GB
            assertTrue(rssEnd - rssAfterWarmUp < 200_000_000L, "native memory grew by "
                    + (rssEnd - rssAfterWarmUp) / 1e6 + " MB over " + (jobs - warmUp) + " jobs");
        }
    }

    @Test
    void shutdownCancelsRunningAndQueuedJobs() throws Exception {
        WorkerPool p = cpuPool();
        CountDownLatch started = new CountDownLatch(1);
        Job<float[]> running = p.submit("running", JobPriority.BATCH, ctx -> {
            started.countDown();
            DiffusionLoop loop = new DiffusionLoop(ctx.runContext(ParameterValues.defaults(List.of()),
                    new SeededNoise(1), PreviewPolicy.OFF), null, null);
            return loop.run(new SlowSampler(100_000, 2), null, ctx.manager(), Stage.WHOLE).output().toFloatArray();
        });
        Job<String> queued = p.submit("queued", JobPriority.BATCH, ctx -> "never");
        assertTrue(started.await(30, TimeUnit.SECONDS));
        assertTrue(p.shutdown(Duration.ofSeconds(10)));
        assertEquals(JobState.CANCELLED, running.state());
        assertEquals(JobState.CANCELLED, queued.state());
        assertNull(queued.lane());
        assertThrows(RestoraException.class, () -> p.submit("late", JobPriority.BATCH, ctx -> "x"));
    }

    @Test
    void unknownDeviceIsRefusedClearly() {
        WorkerPool p = cpuPool();
        RestoraException e = assertThrows(RestoraException.class,
                () -> p.submit("on gpu", JobPriority.BATCH, Device.gpu(3), ctx -> "x"));
        assertEquals("device gpu:3 has no worker here; available: cpu", e.getMessage());
        assertEquals(1, p.lanes().size());
        assertEquals("cpu", p.lanes().get(0).name());
    }

    @Test
    void forMachineHasACpuLane() {
        pool = WorkerPool.forMachine();
        assertTrue(pool.lanes().stream().anyMatch(l -> l.name().equals("cpu")));
        assertEquals(dev.restora.core.engine.Devices.gpuCount() + 1, pool.lanes().size());
    }

    /** Resident set size of this process from /proc/self/status, or -1 where there is none. */
    static long rssBytes() {
        Path status = Paths.get("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }
}
