package dev.restora.app.studio;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import javafx.application.Platform;

/**
 * The studio's one hand-off to the UI thread ({@code Platform.runLater}), instrumented: while recording, every
 * callback's CPU time on the UI thread is measured (CPU time, not wall time: on a loaded shared machine the scheduler
 * may pause the thread mid-callback, which is not work the callback did). View-model listeners run inside these
 * callbacks, so they are measured with them.
 */
final class TimedUi implements Executor {
    /** One measured callback. */
    record Callback(String what, double cpuMs, double wallMs) {
    }

    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final List<Callback> callbacks = new CopyOnWriteArrayList<>();
    private volatile boolean recording;

    @Override
    public void execute(Runnable task) {
        Platform.runLater(() -> run(task.getClass().getName(), () -> {
            task.run();
            return null;
        }));
    }

    /** Runs {@code action} (on the UI thread), measured like a hand-off callback (a button's handler, say). */
    <T> T run(String what, Callable<T> action) {
        if (!recording) {
            return call(action);
        }
        long cpu = mx.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        T v = call(action);
        callbacks.add(new Callback(what, (mx.getCurrentThreadCpuTime() - cpu) / 1e6, (System.nanoTime() - wall) / 1e6));
        return v;
    }

    private static <T> T call(Callable<T> c) {
        try {
            return c.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    void record(boolean on) {
        if (on) {
            callbacks.clear();
        }
        recording = on;
    }

    List<Callback> callbacks() {
        return new ArrayList<>(callbacks);
    }

    /** The callbacks over {@code budgetMs} of CPU time. */
    List<Callback> over(double budgetMs) {
        return callbacks.stream().filter(c -> c.cpuMs() > budgetMs).toList();
    }

    String summary() {
        List<Callback> all = callbacks();
        Callback worst = all.stream().max(Comparator.comparingDouble(Callback::cpuMs)).orElse(null);
        double worstWall = all.stream().mapToDouble(Callback::wallMs).max().orElse(0);
        return String.format(Locale.ROOT, "%d UI callbacks, worst CPU %.2f ms (%s), worst wall %.1f ms, load %.1f",
                all.size(), worst == null ? 0 : worst.cpuMs(), worst == null ? "-" : worst.what(), worstWall,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
