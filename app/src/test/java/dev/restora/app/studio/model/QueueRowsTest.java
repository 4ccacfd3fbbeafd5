package dev.restora.app.studio.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.app.studio.StudioFixtures;
import dev.restora.core.diffusion.StepEvent;
import dev.restora.core.jobs.Job;
import dev.restora.core.jobs.JobPriority;
import dev.restora.core.jobs.JobState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue model publishes row snapshots when jobs change, not when someone polls: a running job's steps reach the
 * rows (conflated: many steps, few deliveries), each snapshot holds the values of its moment, and the engine line is
 * built by the model.
 */
class QueueRowsTest {
    @TempDir
    Path dir;
    private StudioContext ctx;

    @AfterEach
    void tearDown() {
        if (ctx != null) {
            ctx.close();
        }
    }

    @Test
    void stepsOfARunningJobArePublishedAsConflatedSnapshots() throws Exception {
        ManualUi ui = new ManualUi();
        ctx = StudioFixtures.context(dir.resolve("home"), ui);
        QueueModel q = ctx.queue();
        List<QueueModel.Row> seen = new CopyOnWriteArrayList<>();
        q.rows().onChange(rows -> seen.addAll(rows));
        ui.runUntil(() -> q.pool() != null && q.engine().get().text().startsWith("Ready"));
        assertTrue(q.engine().get().text().contains("threads"), q.engine().get().text());

        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch stepped = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        int steps = 200;
        Job<String> job = q.submit(JobSpec.restore("steps", null, "none", "none", java.util.Map.of(), 1, null),
                JobPriority.INTERACTIVE, jc -> {
                    go.await();
                    for (int i = 0; i < steps; i++) {
                        jc.listener().onStep(new StepEvent(i, steps, 0, 1, "step", Duration.ofMillis(i), null, null));
                    }
                    stepped.countDown();
                    finish.await();
                    return "done";
                });
        ui.runUntil(() -> last(seen, job) != null && last(seen, job).state() == JobState.RUNNING);
        assertEquals(0.0, last(seen, job).fraction());
        int before = seen.size();
        go.countDown();
        assertTrue(stepped.await(60, TimeUnit.SECONDS));
        // every step was offered while the UI was busy: one delivery carries the last of them
        ui.runUntil(() -> last(seen, job).fraction() > 0);
        QueueModel.Row r = last(seen, job);
        assertEquals(JobState.RUNNING, r.state());
        assertTrue(r.stepping());
        assertEquals((steps - 1 + 1.0) / steps, r.fraction(), 1e-9, "the last step's fraction");
        assertTrue(seen.size() - before <= 2, (seen.size() - before) + " row lists published for " + steps + " steps");
        finish.countDown();
        ui.runUntil(() -> last(seen, job).state() == JobState.SUCCEEDED);
        assertEquals("done", last(seen, job).stateText());
        assertEquals(1.0, last(seen, job).fraction());
    }

    private static QueueModel.Row last(List<QueueModel.Row> seen, Job<?> job) {
        for (int i = seen.size() - 1; i >= 0; i--) {
            if (seen.get(i).job() == job) {
                return seen.get(i);
            }
        }
        return null;
    }
}
