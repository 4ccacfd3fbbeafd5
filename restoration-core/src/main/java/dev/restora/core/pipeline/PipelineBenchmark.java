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

    /**
     * The speed and output deviation of the pipeline's presets ({@code restora bench PIPELINE --presets}): per
     * preset the real-time factor and how far its output moves from the exact default's, as a JSON-ready tree.
     * Null when the pipeline has no presets.
     */
    default Map<String, Object> presets(Device device, PrintStream log, boolean quick, PresetBenchOptions options) {
        return null;
    }

    /**
     * Which of this benchmark's figures compare with which entry of the official code's timings
     * ({@code time_reference.py}'s JSON, see {@link BenchmarkReference}): our measurement name -> reference key.
     * Empty when there is no official code to compare with.
     */
    default Map<String, String> referenceKeys() {
        return Map.of();
    }

    /**
     * The speed of the dominant operation of convolutional networks measured now, in the same process: a 3x3
     * convolution 128 -> 128 channels on a 1 x 128 x h x w input, in GFLOP/s (median of 3 after a warm-up). The
     * ceiling a network's achieved GFLOP/s is compared with; on a shared machine it also tells how busy it was.
     */
    static double conv3x3Gflops(Device device, int h, int w) {
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager(device)) {
            ai.djl.ndarray.NDArray x = m.randomNormal(new ai.djl.ndarray.types.Shape(1, 128, h, w));
            ai.djl.ndarray.NDArray k = m.randomNormal(new ai.djl.ndarray.types.Shape(128, 128, 3, 3));
            ai.djl.ndarray.types.Shape one = new ai.djl.ndarray.types.Shape(1, 1);
            double[] secs = new double[4];
            for (int i = 0; i < secs.length; i++) {
                long t0 = System.nanoTime();
                ai.djl.nn.convolutional.Conv2d.conv2d(x, k, null, one, one, one, 1).singletonOrThrow().toFloatArray();
                secs[i] = (System.nanoTime() - t0) / 1e9;
            }
            double[] timed = java.util.Arrays.copyOfRange(secs, 1, secs.length);
            java.util.Arrays.sort(timed);
            return 2.0 * 128 * 128 * 9 * h * w / 1e9 / timed[1];
        }
    }

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
