package dev.restora.core.pipeline;

import ai.djl.Device;
import java.io.PrintStream;
import java.util.Map;

/**
 * A pipeline's speed measurement at the released model size with random weights (timing does not depend on the
 * weights), for {@code restora bench PIPELINE}. Not a test: it prints figures to compare with the reference timings.
 */
public interface PipelineBenchmark {

    /**
     * Runs the measurements and returns them as a JSON-ready tree (maps, lists, strings, numbers): at least
     * {@code parameters}, per-measurement {@code seconds} and {@code peak_memory_bytes}.
     *
     * @param device where to run
     * @param log    progress lines for the user (not the JSON)
     * @param quick  a smaller, faster variant of the measurements (used by the command's own test)
     */
    Map<String, Object> run(Device device, PrintStream log, boolean quick);
}
