package dev.restora.sgmse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.restora.core.parity.ParityFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link PresetComparison} on the public Schrödinger-bridge fixture checkpoint (its N is 4): every candidate is run
 * and timed, and the SI-SDR compares the right outputs: the bridge's ODE sampler is deterministic, so the default
 * with another seed is the default's output exactly (infinite SI-SDR), while fewer or more steps move it.
 */
class PresetComparisonTest {

    @Test
    void comparesEachPresetsOutputWithTheDefaults() {
        ParityFixtures fx = ParityFixtures.family("sgmse");
        try (NDManager m = NDManager.newBaseManager()) {
            SgmseModel model = SgmseModel.load(Models.read(fx.file("sgmse_sb_ncsnpp_v2_small.ckpt"), m), false);
            SgmseEnhancer enhancer = new SgmseEnhancer(model);
            float[] noisy = SpeechBenchmark.synthetic(16000, 0.3, 3);
            float[] clean = SpeechBenchmark.synthetic(16000, 0.3, 4);
            List<SpeechPresets.Candidate> candidates = SpeechPresets.select(SpeechPresets.Kind.BRIDGE,
                    "default_other_seed,bridge_ode_n5", false);
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            List<Map<String, Object>> rows = new PresetComparison(enhancer, SpeechPresets.Kind.BRIDGE,
                    model.bridgeSteps(), 0.5).run(Device.cpu(), noisy, clean, candidates, 2, 7, new PrintStream(log));
            System.out.println(rows);
            assertEquals(3, rows.size());
            assertEquals("default", rows.get(0).get("name"));
            assertNull(rows.get(0).get("si_sdr_vs_default_db"), "the default is the reference");
            assertEquals(1.0, (Double) rows.get(0).get("time_vs_default"), 0);
            assertEquals("Infinity", rows.get(1).get("si_sdr_vs_default_db"),
                    "the deterministic bridge ODE gives the default's output whatever the seed");
            Object moved = rows.get(2).get("si_sdr_vs_default_db");
            assertTrue(moved instanceof Double d && Double.isFinite(d), "5 steps instead of 4 move the output: " + moved);
            assertEquals(model.bridgeSteps(), rows.get(0).get("network_calls"));
            assertEquals(5, rows.get(2).get("network_calls"));
            for (Map<String, Object> r : rows) {
                assertTrue((Double) r.get("real_time_factor") > 0);
                assertEquals(2, ((double[]) r.get("seconds_runs")).length, "two rounds");
                assertTrue(r.containsKey("si_sdr_vs_clean_db"));
            }
            assertTrue(log.toString().contains("round 2 bridge_ode_n5"), log.toString());
        }
    }
}
