package dev.restora.app.studio.view.archviolation;

import dev.restora.core.jobs.WorkerPool;

/** Test fixture: a studio view that reaches into the worker pool. */
public final class ViewUsesPool {
    private ViewUsesPool() {
    }

    static int lanes(WorkerPool pool) {
        return pool.hashCode();
    }
}
