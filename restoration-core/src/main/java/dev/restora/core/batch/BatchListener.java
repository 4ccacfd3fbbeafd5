package dev.restora.core.batch;

/** Batch progress, called on the batch thread. */
public interface BatchListener {
    BatchListener NONE = new BatchListener() {
    };

    default void started(int total) {
    }

    default void itemStarted(BatchItem item, int total) {
    }

    /**
     * An item failed with {@code error} (called before {@link #itemFinished}, whose result holds the message): for a
     * front end that shows stack traces on request; the runner itself logs none.
     */
    default void itemFailed(BatchItem item, Throwable error) {
    }

    default void itemFinished(ItemResult result, int total) {
    }

    default void finished(BatchReport report) {
    }
}
