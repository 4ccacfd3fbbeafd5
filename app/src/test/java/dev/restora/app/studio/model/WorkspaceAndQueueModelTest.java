package dev.restora.app.studio.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.app.studio.StudioFixtures;
import dev.restora.core.jobs.Job;
import dev.restora.core.jobs.JobState;
import dev.restora.core.pipeline.Media;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workspace and queue view models against a real worker pool and a real test pipeline, without the toolkit. */
class WorkspaceAndQueueModelTest {
    @TempDir
    Path dir;
    /** Plays the UI thread: one thread, updates in order. */
    private ExecutorService ui;
    private StudioContext ctx;

    @BeforeEach
    void setUp() {
        ui = Executors.newSingleThreadExecutor(r -> new Thread(r, "fake-ui"));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (ctx != null) {
            ctx.close();
        }
        ui.shutdownNow();
    }

    private <T> T onUi(Callable<T> c) throws Exception {
        Future<T> f = ui.submit(c);
        return f.get(30, TimeUnit.SECONDS);
    }

    private void await(Callable<Boolean> condition, Duration timeout, String what) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (onUi(condition)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    private WorkspaceModel open(Path file) throws Exception {
        StudioModel m = onUi(() -> new StudioModel(ctx));
        onUi(() -> {
            m.open(List.of(file));
            return null;
        });
        await(() -> m.selected().get() != null, Duration.ofSeconds(20), "the item to open");
        return onUi(() -> m.selected().get());
    }

    @Test
    void runRecordsEveryStepConflatesDeliveriesAndEndsWithTheResult() throws Exception {
        ctx = StudioFixtures.context(dir.resolve("home"), ui);
        ctx.settings().get().previews = StudioSettings.PreviewMode.EVERY_STEP;
        WorkspaceModel w = open(StudioFixtures.png(dir.resolve("in.png"), 24, 16));
        onUi(() -> {
            w.form().get().field("steps").set(60);
            w.form().get().field("delay_ms").set(0);
            w.form().get().field("seed").set(1234L);
            w.run();
            return null;
        });
        await(() -> w.state().get() == WorkspaceModel.RunState.DONE, Duration.ofSeconds(60), "the run to finish");
        assertEquals(60, w.history().size(), "one preview per step");
        int deliveries = onUi(w::deliveries);
        assertTrue(deliveries >= 1 && deliveries <= 60, "conflated deliveries: " + deliveries);
        Media.Image r = (Media.Image) onUi(() -> w.result().get());
        assertEquals(48, r.image().width());
        assertEquals(32, r.image().height());
        assertEquals(1234L, w.usedSeed());
        assertEquals(60, onUi(() -> w.progress().get().steps()));
        assertTrue(onUi(() -> w.status().get()).contains("seed 1234"), onUi(() -> w.status().get()));
        // scrubbing back shows an earlier step's own frame
        onUi(() -> {
            w.showStep(3);
            return null;
        });
        assertEquals(w.history().get(3).frame(), onUi(() -> w.preview().get()));
        // save writes the result next to the input, atomically
        Path out = onUi(w::suggestedOutput);
        onUi(() -> {
            w.save(out);
            return null;
        });
        await(() -> out.equals(w.savedTo().get()), Duration.ofSeconds(20), "the save");
        assertTrue(Files.size(out) > 0);
    }

    @Test
    void previewsSwitchedOffStillReportProgress() throws Exception {
        ctx = StudioFixtures.context(dir.resolve("home"), ui);
        ctx.settings().get().previews = StudioSettings.PreviewMode.OFF;
        WorkspaceModel w = open(StudioFixtures.png(dir.resolve("in.png"), 8, 8));
        onUi(() -> {
            w.form().get().field("steps").set(12);
            w.form().get().field("delay_ms").set(0);
            w.run();
            return null;
        });
        await(() -> w.state().get() == WorkspaceModel.RunState.DONE, Duration.ofSeconds(60), "the run");
        assertEquals(0, w.history().size());
        assertEquals(12, onUi(() -> w.progress().get().step()));
        assertNotNull(onUi(() -> w.result().get()));
    }

    @Test
    void cancelStopsWithinAStepAndFinishEarlyKeepsThePrediction() throws Exception {
        ctx = StudioFixtures.context(dir.resolve("home"), ui);
        WorkspaceModel w = open(StudioFixtures.png(dir.resolve("in.png"), 16, 16));
        onUi(() -> {
            w.form().get().field("steps").set(2000);
            w.form().get().field("delay_ms").set(20);
            w.run();
            return null;
        });
        await(() -> w.history().size() >= 3, Duration.ofSeconds(60), "a few steps");
        long t0 = System.nanoTime();
        onUi(() -> {
            w.cancel();
            return null;
        });
        // read after the cancel: an upper bound on the step running when it was requested
        int atCancel = w.job().progress().step();
        await(() -> w.state().get() == WorkspaceModel.RunState.CANCELLED, Duration.ofSeconds(10), "the cancel");
        System.out.printf("cancel took %.0f ms%n", (System.nanoTime() - t0) / 1e6);
        assertEquals(JobState.CANCELLED, w.job().state());
        int last = w.job().progress().step();
        assertTrue(last <= atCancel + 1, "at most the step in progress finishes: " + atCancel + " -> " + last);

        onUi(() -> {
            w.run();
            return null;
        });
        await(() -> w.history().size() >= 5 && w.state().get() == WorkspaceModel.RunState.RUNNING,
                Duration.ofSeconds(60), "the second run");
        onUi(() -> {
            w.finishEarly();
            return null;
        });
        await(() -> w.state().get() == WorkspaceModel.RunState.DONE, Duration.ofSeconds(10), "finish early");
        assertTrue(w.job().finishEarlyRequested());
        assertNotNull(onUi(() -> w.result().get()));
        assertTrue(w.history().size() < 2000);
        assertTrue(onUi(() -> w.status().get()).startsWith("finished early"));
    }

    @Test
    void queueSurvivesARestartPausedAndRunsAfterResume(@TempDir Path out) throws Exception {
        Path home = dir.resolve("home");
        ctx = StudioFixtures.context(home, ui);
        Path a = StudioFixtures.png(dir.resolve("a.png"), 8, 8);
        Path b = StudioFixtures.png(dir.resolve("b.png"), 8, 8);
        Path c = StudioFixtures.png(dir.resolve("c.png"), 8, 8);
        QueueModel q = ctx.queue();
        q.setPaused(true);
        Job<?> ja = q.submit(spec(a, out));
        Job<?> jb = q.submit(spec(b, out));
        Job<?> jc = q.submit(spec(c, out));
        await(() -> q.rows().get().size() == 3 && q.pool() != null, Duration.ofSeconds(30), "three rows");
        q.moveUp(jc);
        await(() -> q.rows().get().get(1).job() == jc, Duration.ofSeconds(10), "the move");
        // the queue file is written on a background thread after the change: wait for the write with the new order
        List<String> moved = List.of("a.png", "c.png", "b.png");
        await(() -> moved.equals(savedOrder(q)), Duration.ofSeconds(10), "the move to be saved");
        assertTrue(JsonFiles.read(q.file(), QueueModel.Saved.class).paused);
        q.cancel(ja);
        await(() -> ja.state() == JobState.CANCELLED && JsonFiles.read(q.file(), QueueModel.Saved.class).jobs.size() == 2,
                Duration.ofSeconds(10), "the cancel to be saved");
        ctx.close();

        // a new session: the two jobs come back queued, with the queue paused
        ctx = StudioFixtures.context(home, ui);
        QueueModel q2 = ctx.queue();
        assertEquals(2, q2.restore());
        await(() -> q2.rows().get().size() == 2 && q2.pool() != null, Duration.ofSeconds(30), "restored rows");
        assertTrue(q2.paused().get());
        Thread.sleep(300);
        assertTrue(q2.rows().get().stream().allMatch(r -> r.job().state() == JobState.QUEUED));
        q2.setPaused(false);
        await(() -> q2.rows().get().stream().allMatch(r -> r.job().state() == JobState.SUCCEEDED),
                Duration.ofSeconds(60), "the restored jobs to run");
        assertTrue(Files.exists(out.resolve("c_test-slow-steps.png")));
        assertTrue(Files.exists(out.resolve("b_test-slow-steps.png")));
        assertTrue(!Files.exists(out.resolve("a_test-slow-steps.png")));
        // file jobs take their pipeline from the lane's cache (loaded once, kept for the next file)
        assertTrue(q2.pool().lanes().stream().anyMatch(l -> l.pipelines().contains(
                new dev.restora.core.jobs.PipelineCache.Key("test-slow-steps", "box2x"))), "cached pipeline");
        await(() -> JsonFiles.read(q2.file(), QueueModel.Saved.class).jobs.isEmpty(), Duration.ofSeconds(10),
                "an empty saved queue");
    }

    private static List<String> savedOrder(QueueModel q) {
        QueueModel.Saved saved = JsonFiles.read(q.file(), QueueModel.Saved.class);
        return saved == null || saved.jobs == null ? List.of()
                : saved.jobs.stream().map(s -> Path.of(s.input).getFileName().toString()).toList();
    }

    private static JobSpec spec(Path in, Path out) {
        return JobSpec.restore(in.getFileName().toString(), in.toString(), "test-slow-steps", "box2x",
                Map.of("steps", 3, "delay_ms", 0), 5, out.resolve(in.getFileName().toString()
                        .replace(".png", "_test-slow-steps.png")).toString());
    }
}
