package dev.restora.sgmse;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.google.gson.GsonBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's quick mode runs and reports every figure. {@code -Drestora.sgmse.bench=full} runs the released
 * sizes instead (minutes; prints the numbers of the report), which is not a test of speed.
 */
class SpeechBenchmarkTest {

    @Test
    void benchmarksReportTheirFigures() {
        boolean full = "full".equals(System.getProperty("restora.sgmse.bench"));
        for (boolean storm : new boolean[] {false, true}) {
            Map<String, Object> r = new SpeechBenchmark(storm).run(Device.cpu(), System.out, !full);
            System.out.println(new GsonBuilder().setPrettyPrinting().create().toJson(r));
            assertTrue(r.containsKey("parameters"));
            assertTrue(((Number) r.get("default_run_seconds_extrapolated")).doubleValue() > 0);
            assertTrue(((Number) r.get("real_time_factor")).doubleValue() > 0);
            assertTrue(((Number) r.get("peak_memory_bytes")).longValue() != 0);
        }
    }
}
