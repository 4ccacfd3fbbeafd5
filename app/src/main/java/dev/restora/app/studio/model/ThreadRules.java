package dev.restora.app.studio.model;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The studio's thread rule, checked where it matters: model store reads, folder walks and media conversions never
 * run on the UI thread. Each such place calls {@link #offUi}; a call on the UI thread is logged and recorded, and the
 * studio tests assert that none was recorded. Toolkit-free: the app tells it which thread is the UI thread.
 */
public final class ThreadRules {
    private static final Logger LOG = LoggerFactory.getLogger(ThreadRules.class);
    private volatile BooleanSupplier onUiThread = () -> false;
    private final List<String> violations = new CopyOnWriteArrayList<>();

    /** How to tell the UI thread ({@code Platform::isFxApplicationThread} in the app). */
    public void uiThread(BooleanSupplier test) {
        this.onUiThread = test;
    }

    /** Whether the calling thread is the UI thread. */
    public boolean onUiThread() {
        return onUiThread.getAsBoolean();
    }

    /** Records {@code what} as a violation when called on the UI thread. */
    public void offUi(String what) {
        if (onUiThread.getAsBoolean()) {
            String v = what + " on the UI thread";
            violations.add(v);
            LOG.warn("{} (it belongs on a worker)", v);
        }
    }

    /** Every violation recorded so far (tests). */
    public List<String> violations() {
        return List.copyOf(violations);
    }
}
