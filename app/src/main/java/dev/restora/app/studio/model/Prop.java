package dev.restora.app.studio.model;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A toolkit-free observable value for the view models: views subscribe with {@link #listen}, tests read {@link #get}.
 * Listeners run on the thread that calls {@link #set} (the view models only set on their UI executor).
 *
 * @param <T> the value type
 */
public final class Prop<T> {
    private volatile T value;
    private final List<Consumer<? super T>> listeners = new CopyOnWriteArrayList<>();

    public Prop(T initial) {
        this.value = initial;
    }

    public T get() {
        return value;
    }

    /** Sets the value and notifies the listeners when it changed. */
    public void set(T v) {
        if (Objects.equals(value, v)) {
            return;
        }
        value = v;
        for (Consumer<? super T> l : listeners) {
            l.accept(v);
        }
    }

    /** Sets the value and notifies the listeners even when it is equal to the old one. */
    public void force(T v) {
        value = v;
        touch();
    }

    /** Notifies the listeners even when the value is the same object (a mutable list that changed). */
    public void touch() {
        T v = value;
        for (Consumer<? super T> l : listeners) {
            l.accept(v);
        }
    }

    /** Adds a listener and calls it once with the current value. */
    public Runnable listen(Consumer<? super T> listener) {
        listeners.add(listener);
        listener.accept(value);
        return () -> listeners.remove(listener);
    }

    /** Adds a listener without calling it now. */
    public Runnable onChange(Consumer<? super T> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }
}
