package dev.restora.core.diffusion;

/**
 * Cooperative stop signals, set from any thread and read by the worker at every step and every tile.
 * Cancel discards the run; finish-early ends it at the next step boundary with the latest predicted clean output.
 */
public final class CancellationToken {
    private volatile boolean cancelled;
    private volatile boolean finishEarly;

    public void cancel() {
        cancelled = true;
    }

    public void finishEarly() {
        finishEarly = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    public boolean isFinishEarlyRequested() {
        return finishEarly;
    }

    /** @throws CancelledException when cancelled */
    public void throwIfCancelled() {
        if (cancelled) {
            throw new CancelledException();
        }
    }
}
