package dev.restora.core.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The queue alone: order, reordering, pausing, cancel of queued jobs. No engine needed. */
class JobQueueTest {

    private static Job<String> job(String name, JobPriority p) {
        return new Job<>(name, p, ctx -> name);
    }

    private static List<String> names(List<Job<?>> jobs) {
        return jobs.stream().map(Job::description).toList();
    }

    @Test
    void interactiveBeforeBatchThenSubmitOrder() throws Exception {
        JobQueue q = new JobQueue();
        for (String s : new String[] {"b1", "i1", "b2", "i2", "b3", "i3"}) {
            q.add(job(s, s.startsWith("i") ? JobPriority.INTERACTIVE : JobPriority.BATCH));
        }
        assertEquals(List.of("i1", "i2", "i3", "b1", "b2", "b3"), names(q.snapshot()));
        List<String> taken = new ArrayList<>();
        Job<?> j;
        while ((j = q.poll(x -> true, 0, TimeUnit.MILLISECONDS)) != null) {
            taken.add(j.description());
        }
        assertEquals(List.of("i1", "i2", "i3", "b1", "b2", "b3"), taken);
    }

    @Test
    void moveUpDownStayWithinPriority() {
        JobQueue q = new JobQueue();
        Job<String> i1 = job("i1", JobPriority.INTERACTIVE);
        Job<String> b1 = job("b1", JobPriority.BATCH);
        Job<String> b2 = job("b2", JobPriority.BATCH);
        Job<String> b3 = job("b3", JobPriority.BATCH);
        q.add(i1);
        q.add(b1);
        q.add(b2);
        q.add(b3);
        assertFalse(q.moveUp(b1), "a batch job cannot overtake an interactive one");
        assertFalse(q.moveDown(i1), "an interactive job cannot fall behind a batch one");
        assertTrue(q.moveUp(b3));
        assertEquals(List.of("i1", "b1", "b3", "b2"), names(q.snapshot()));
        assertTrue(q.moveDown(b1));
        assertEquals(List.of("i1", "b3", "b1", "b2"), names(q.snapshot()));
        assertTrue(q.moveToBack(b3));
        assertEquals(List.of("i1", "b1", "b2", "b3"), names(q.snapshot()));
        assertTrue(q.moveToFront(b2));
        assertEquals(List.of("i1", "b2", "b1", "b3"), names(q.snapshot()));
        assertFalse(q.moveToFront(b2));
        q.reorder(List.of(b3, b1, i1));
        assertEquals(List.of("i1", "b3", "b1", "b2"), names(q.snapshot()));
        Job<String> gone = job("gone", JobPriority.BATCH);
        assertFalse(q.moveUp(gone));
        q.reorder(List.of(gone, b2));
        assertEquals(List.of("i1", "b2", "b3", "b1"), names(q.snapshot()));
    }

    @Test
    void cancelOfQueuedJobIsImmediateAndRemovesIt() {
        JobQueue q = new JobQueue();
        Job<String> a = job("a", JobPriority.BATCH);
        Job<String> b = job("b", JobPriority.BATCH);
        List<String> seen = new ArrayList<>();
        a.addListener(new JobListener() {
            @Override
            public void stateChanged(Job<?> job, JobState from, JobState to) {
                seen.add(from + "->" + to);
            }
        });
        q.add(a);
        q.add(b);
        CompletableFuture<String> f = a.completion();
        a.cancel();
        assertEquals(JobState.CANCELLED, a.state());
        assertEquals(List.of("QUEUED->CANCELLED"), seen);
        assertEquals(List.of("b"), names(q.snapshot()));
        assertTrue(f.isCancelled());
        assertFalse(a.start("cpu"), "a cancelled job never starts");
        a.cancel();
        assertEquals(List.of("QUEUED->CANCELLED"), seen, "no second transition");
        assertThrows(IllegalStateException.class, () -> q.add(a));
    }

    /** A thread that takes from {@code q} with {@code accepts}; its result, or its failure, completes the future. */
    private static Thread taker(JobQueue q, java.util.function.Predicate<Job<?>> accepts,
                                CompletableFuture<Job<?>> result) {
        Thread t = new Thread(() -> {
            try {
                result.complete(q.take(accepts));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "queue-taker");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * Waits (without sleeping: the thread's own state is the event) until {@code t} is parked in the queue's wait
     * for a change, i.e. it found nothing to take. Fails if it ends or has not parked within 10 s.
     */
    static void awaitParkedInQueue(Thread t) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Thread.State st = t.getState();
            if (st == Thread.State.TERMINATED) {
                throw new AssertionError(t.getName() + " ended instead of waiting");
            }
            if (st == Thread.State.WAITING || st == Thread.State.TIMED_WAITING) {
                boolean inQueue = false;
                boolean inAwait = false;
                for (StackTraceElement e : t.getStackTrace()) {
                    inAwait |= e.getMethodName().startsWith("await");
                    inQueue |= e.getClassName().equals(JobQueue.class.getName()) && e.getMethodName().equals("poll");
                }
                if (inQueue && inAwait) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(t.getName() + " did not wait in the queue: " + st);
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void pauseHoldsWorkersAndResumeReleasesThem() throws Exception {
        JobQueue q = new JobQueue();
        q.pause();
        q.add(job("a", JobPriority.BATCH));
        assertNull(q.poll(x -> true, 0, TimeUnit.MILLISECONDS), "paused: nothing handed out");
        assertEquals(1, q.size());
        AtomicInteger looked = new AtomicInteger();
        CompletableFuture<Job<?>> taken = new CompletableFuture<>();
        Thread t = taker(q, x -> looked.incrementAndGet() >= 0, taken);
        awaitParkedInQueue(t);
        // another job wakes the taker; paused, it looks at nothing and waits again
        q.add(job("b", JobPriority.BATCH));
        awaitParkedInQueue(t);
        assertFalse(taken.isDone(), "paused: the taker waits");
        assertEquals(0, looked.get(), "paused: no job was even offered");
        assertEquals(2, q.size());
        q.resume();
        assertEquals("a", taken.get(10, TimeUnit.SECONDS).description());
        assertEquals(List.of("b"), names(q.snapshot()));
    }

    @Test
    void acceptanceFiltersAndCloseReleasesTakers() throws Exception {
        JobQueue q = new JobQueue();
        Job<String> a = job("a", JobPriority.INTERACTIVE);
        Job<String> b = job("b", JobPriority.BATCH);
        q.add(a);
        q.add(b);
        assertSame(b, q.poll(j -> j.description().equals("b"), 0, TimeUnit.MILLISECONDS));
        AtomicInteger changes = new AtomicInteger();
        q.addChangeListener(changes::incrementAndGet);
        List<String> refused = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Job<?>> taken = new CompletableFuture<>();
        Thread t = taker(q, j -> !refused.add(j.description()), taken);
        awaitParkedInQueue(t);
        assertFalse(taken.isDone());
        assertEquals(List.of("a"), refused, "the taker was offered the queued job and refused it");
        List<Job<?>> left = q.close();
        assertEquals(List.of(a), left);
        assertNull(taken.get(10, TimeUnit.SECONDS), "close releases the taker with nothing");
        assertTrue(changes.get() > 0);
        assertThrows(IllegalStateException.class, () -> q.add(job("c", JobPriority.BATCH)));
    }

    @Test
    void terminalStatesIgnoreLaterMoves() {
        Job<String> j = job("x", JobPriority.BATCH);
        List<String> seen = new ArrayList<>();
        j.addListener(new JobListener() {
            @Override
            public void stateChanged(Job<?> job, JobState from, JobState to) {
                seen.add(from + "->" + to);
            }
        });
        j.addListener(new JobListener() {
            @Override
            public void stateChanged(Job<?> job, JobState from, JobState to) {
                throw new IllegalStateException("a broken listener must not break the job");
            }
        });
        assertTrue(j.start("cpu"));
        assertFalse(j.start("cpu"), "started once");
        j.cancelled();
        j.succeed("late");
        j.fail("late", new RuntimeException());
        j.cancel();
        assertEquals(JobState.CANCELLED, j.state());
        assertNull(j.result());
        assertNull(j.errorMessage());
        assertEquals(List.of("QUEUED->RUNNING", "RUNNING->CANCELLED"), seen);
        assertTrue(j.isDone());
        assertEquals("cpu", j.lane());
        assertTrue(j.finished() != null && !j.runTime().isNegative());
    }
}
