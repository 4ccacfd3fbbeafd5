package dev.restora.core.pipeline;

import ai.djl.Device;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** The process's peak resident memory so far (Linux {@code VmHWM}), or -1 where the system does not tell. */
    static long peakResidentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }
}
