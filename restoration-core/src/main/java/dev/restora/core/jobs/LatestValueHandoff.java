package dev.restora.core.jobs;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The conflating hand-off from a worker to a UI thread: {@link #offer} keeps only the latest value and posts at most
 * one delivery while none is pending, so a fast run never floods the UI queue and the UI always ends on the last
 * value. Toolkit-free: the studio passes {@code Platform::runLater} as the executor.
 *
 * @param <T> the value type (for example a {@link dev.restora.core.diffusion.StepEvent})
 */
public final class LatestValueHandoff<T> {
    private final AtomicReference<T> latest = new AtomicReference<>();
    private final AtomicBoolean pending = new AtomicBoolean();
    private final Executor target;
    private final Consumer<? super T> sink;

    /**
     * @param target runs deliveries (the UI thread)
     * @param sink   receives the values on {@code target}
     */
    public LatestValueHandoff(Executor target, Consumer<? super T> sink) {
        this.target = Objects.requireNonNull(target);
        this.sink = Objects.requireNonNull(sink);
    }

    /** Replaces the value waiting for delivery; schedules a delivery when none is pending. Any thread. */
    public void offer(T value) {
        latest.set(Objects.requireNonNull(value));
        if (pending.compareAndSet(false, true)) {
            target.execute(this::deliver);
        }
    }

    private void deliver() {
        // clear the flag before taking the value: an offer racing with this delivery schedules another one
        pending.set(false);
        T v = latest.getAndSet(null);
        if (v != null) {
            sink.accept(v);
        }
    }
}
