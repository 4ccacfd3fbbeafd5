package dev.restora.app.studio.model;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A UI executor the test drives: tasks wait in a queue until the test thread (the "UI thread") runs them, so the test
 * decides exactly when view-model updates happen and can check an invariant between any two of them.
 */
public final class ManualUi implements Executor {
    private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final Thread uiThread = Thread.currentThread();

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
    }

    /** True on the thread that created this executor (the test's UI thread). */
    public boolean onUiThread() {
        return Thread.currentThread() == uiThread;
    }

    /**
     * Runs tasks as they arrive until {@code done} holds, checking {@code invariant} before and after each task.
     * Fails when no task arrives within {@code timeout}.
     */
    public void runUntil(BooleanSupplier done, Runnable invariant, Duration timeout) throws InterruptedException {
        invariant.run();
        while (!done.getAsBoolean()) {
            Runnable t = tasks.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (t == null) {
                throw new AssertionError("no UI update within " + timeout);
            }
            invariant.run();
            t.run();
            invariant.run();
        }
    }

    public void runUntil(BooleanSupplier done) throws InterruptedException {
        runUntil(done, () -> { }, Duration.ofSeconds(60));
    }
}
