package dev.restora.core.batch;

/** Batch progress, called on the batch thread. */
public interface BatchListener {
    BatchListener NONE = new BatchListener() {
    };

    default void started(int total) {
    }

    default void itemStarted(BatchItem item, int total) {
    }

    default void itemFinished(ItemResult result, int total) {
    }

    default void finished(BatchReport report) {
    }
}
