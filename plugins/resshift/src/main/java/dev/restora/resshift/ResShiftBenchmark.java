package dev.restora.resshift;

import ai.djl.Device;
import dev.restora.core.pipeline.PipelineBenchmark;
import java.io.PrintStream;
import java.util.Map;

/** Placeholder until the benchmark lands (next commit). */
final class ResShiftBenchmark implements PipelineBenchmark {
    @Override
    public Map<String, Object> run(Device device, PrintStream log, boolean quick) {
        throw new UnsupportedOperationException("not yet");
    }
}
