package dev.restora.core.batch;

import java.nio.file.Path;

/**
 * What happened to one batch item.
 *
 * @param item       the item
 * @param output     the file written (or skipped, or that would have been written)
 * @param state      final state
 * @param seconds    processing time (0 when not processed in this run; the earlier run's time when resumed)
 * @param error      the error message for {@link ItemState#FAILED}, else null
 * @param earlierRun true when the output was written by an earlier, interrupted run of the same batch
 */
public record ItemResult(BatchItem item, Path output, ItemState state, double seconds, String error,
                         boolean earlierRun) {
}
