package dev.restora.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ratios of our figures to a time_reference.py file: which entry is read, which figure of ours, and bad files. */
class BenchmarkReferenceTest {
    @TempDir
    Path dir;

    /** The shape time_reference.py writes for resshift: medians, single runs and bare numbers. */
    private static final String REFERENCE = """
            {"config": "v3", "unet_call_lq64": {"median_s": 2.0, "runs_s": [1.9, 2.0, 2.5], "warmup": 1},
             "whole_run_lq128_to_512": {"single_run_s": 40.0},
             "both": {"median_s": 4.0, "single_run_s": 99.0},
             "pc_run_N30_corrector1_extrapolated_s": 500.0, "torch": "1.13.1", "threads": 2}
            """;

    private Path write(String text) throws IOException {
        Path f = dir.resolve("ref.json");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void ratiosAreOursOverOfficialForEveryMappedFigure() throws IOException {
        BenchmarkReference ref = BenchmarkReference.read(write(REFERENCE));
        Map<String, Object> ours = new LinkedHashMap<>();
        ours.put("measurements", List.of(Map.of("name", "unet_call_64x64", "seconds", 1.0,
                        "convolution_seconds", 0.8),
                Map.of("name", "run_v3_128_to_512", "seconds", 30.0)));
        ours.put("network_call_seconds", 3.0);
        ours.put("run", Map.of("seconds", 250.0));
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("unet_call_64x64", "unet_call_lq64");
        keys.put("run_v3_128_to_512", "whole_run_lq128_to_512");
        keys.put("network_call_seconds", "both");
        keys.put("run", "pc_run_N30_corrector1_extrapolated_s");
        keys.put("unet_call_128x128", "unet_call_lq128");
        Map<String, Object> cmp = ref.compare(ours, keys);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) cmp.get("ratios");
        assertEquals(4, rows.size(), rows::toString);
        assertRow(rows.get(0), "unet_call_64x64", 1.0, 2.0, 0.5);
        assertRow(rows.get(1), "run_v3_128_to_512", 30.0, 40.0, 0.75);
        assertRow(rows.get(2), "network_call_seconds", 3.0, 4.0, 0.75); // the median wins over a single run
        assertRow(rows.get(3), "run", 250.0, 500.0, 0.5);
        // our convolutions alone against the official figure, where our measurement timed them
        assertEquals(0.8, (Double) rows.get(0).get("ours_convolution_seconds"), 1e-12);
        assertEquals(0.4, (Double) rows.get(0).get("convolution_ratio"), 1e-12);
        assertFalse(rows.get(1).containsKey("convolution_ratio"));
        assertEquals(List.of("unet_call_128x128"), cmp.get("not_compared"));
        assertEquals("1.13.1", cmp.get("official_torch"));
    }

    private static void assertRow(Map<String, Object> row, String name, double ours, double official, double ratio) {
        assertEquals(name, row.get("name"));
        assertEquals(ours, (Double) row.get("ours_seconds"), 1e-12);
        assertEquals(official, (Double) row.get("official_seconds"), 1e-12);
        assertEquals(ratio, (Double) row.get("ratio"), 1e-12);
    }

    @Test
    void aFileForAnotherPipelineOrNotJsonIsRefusedNamingIt() throws IOException {
        BenchmarkReference ref = BenchmarkReference.read(write(REFERENCE));
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> ref.requireAnyOf(Map.of("denoiser_call_seconds", "denoiser_call_256x512")));
        assertTrue(other.getMessage().contains("ref.json") && other.getMessage().contains("denoiser_call_256x512"),
                other.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> BenchmarkReference.read(write("{not json")));
        assertTrue(bad.getMessage().contains("ref.json"), bad.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> BenchmarkReference.read(dir.resolve("absent.json")));
        assertTrue(missing.getMessage().contains("absent.json"), missing.getMessage());
    }
}
