package dev.restora.core.batch;

import dev.restora.core.diffusion.CancellationToken;
import java.nio.file.Path;

/**
 * Restores one batch item. The runner passes a temporary path next to the final output, with the final extension;
 * the processor writes the complete result there and the runner moves it into place atomically, so an interrupted
 * or failed item never leaves a partial output under its final name.
 */
@FunctionalInterface
public interface BatchItemProcessor {

    /**
     * Processes {@code item.input()} into {@code output}.
     *
     * @throws Exception any failure; a {@link dev.restora.core.RestoraException}'s message is reported as is
     */
    void process(BatchItem item, Path output, CancellationToken token) throws Exception;
}
