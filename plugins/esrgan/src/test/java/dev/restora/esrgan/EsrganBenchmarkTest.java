package dev.restora.esrgan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code restora bench esrgan --quick}: the bundled model through the pipeline, the SPI's figures present. */
class EsrganBenchmarkTest {
    @Test
    void quickRunReportsTimeMemoryAndParameters() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Map<String, Object> r = new EsrganProvider().benchmark().run(Device.cpu(),
                new PrintStream(log, true, StandardCharsets.UTF_8), true);
        assertEquals(7_260_740L, r.get("parameters"), "esrgan-thick x4's parameter count");
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) r.get("upscale_x4_64");
        assertTrue((Double) m.get("seconds") > 0);
        assertEquals(64L * 64 * 16, m.get("output_pixels"));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("esrgan-thick-x4"));
    }
}
