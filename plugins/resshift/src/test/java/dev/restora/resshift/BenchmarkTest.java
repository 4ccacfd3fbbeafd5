package dev.restora.resshift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.parity.ParityFixtures;
import dev.restora.resshift.unet.UNetConfig;
import dev.restora.resshift.vq.VQConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The random-weight state dicts match the official key layout (checked against every fixture checkpoint and the
 * released parameter counts of spec T10), and the benchmark runs (quick variant; the full one with
 * {@code -Drestora.bench.full=true}).
 */
class BenchmarkTest {

    @Test
    void randomWeightsHaveTheOfficialLayout() {
        ParityFixtures fx = ParityFixtures.family("resshift");
        int checked = 0;
        for (JsonElement e : fx.manifest().getAsJsonArray("checkpoints")) {
            JsonObject cp = e.getAsJsonObject();
            String cls = ParityFixtures.str(cp, "class");
            Map<String, Shape> expected;
            if (cls.endsWith("UNetModelSwin")) {
                expected = RandomWeights.unetShapes(UNetConfig.fromJson(cp.getAsJsonObject("params")));
            } else if (cls.endsWith("VQModelTorch")) {
                expected = RandomWeights.vqShapes(VQConfig.fromJson(cp.getAsJsonObject("params")));
            } else {
                continue;
            }
            try (NDManager m = NDManager.newBaseManager()) {
                StateDict sd = FixtureWeights.stateDict(fx.file(ParityFixtures.str(cp, "file")), m);
                assertEquals(new java.util.TreeSet<>(sd.keys()), new java.util.TreeSet<>(expected.keySet()),
                        ParityFixtures.str(cp, "file"));
                for (String k : sd.keys()) {
                    assertEquals(sd.asMap().get(k).getShape(), expected.get(k), k);
                }
            }
            checked++;
        }
        assertTrue(checked > 0);
        assertEquals(118_593_583L, params(RandomWeights.unetShapes(UNetConfig.realSr())));
        assertEquals(118_714_399L, params(RandomWeights.unetShapes(UNetConfig.inpainting())));
        assertEquals(118_931_604L, params(RandomWeights.unetShapes(UNetConfig.faceRestoration())));
        assertEquals(55_322_782L, params(RandomWeights.vqShapes(VQConfig.f4())));
        assertEquals(77_009_115L, params(RandomWeights.vqShapes(VQConfig.f8Face())));
        assertEquals(564, RandomWeights.unetShapes(UNetConfig.realSr()).size());
        assertEquals(205, RandomWeights.vqShapes(VQConfig.f4()).size());
        assertEquals(285, RandomWeights.vqShapes(VQConfig.f8Face()).size());
    }

    private static long params(Map<String, Shape> shapes) {
        return shapes.entrySet().stream().filter(e -> !e.getKey().endsWith("relative_position_index")
                && !e.getKey().endsWith("attn_mask")).mapToLong(e -> e.getValue().size()).sum();
    }

    @Test
    void benchmarkRuns() {
        boolean full = Boolean.getBoolean("restora.bench.full");
        Map<String, Object> r = new ResShiftProvider().benchmark().run(Device.cpu(), System.out, !full);
        System.out.println(new GsonBuilder().setPrettyPrinting().create().toJson(r));
        @SuppressWarnings("unchecked")
        Map<String, Object> p = (Map<String, Object>) r.get("parameters");
        assertEquals(118_593_583L, p.get("unet"));
        assertEquals(55_322_782L, p.get("vq"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> ms = (List<Map<String, Object>>) r.get("measurements");
        assertTrue(ms.size() >= 2);
        for (Map<String, Object> m : ms) {
            assertTrue(((Double) m.get("seconds")) > 0, m.toString());
            assertTrue(((Long) m.get("peak_memory_bytes")) > 0, m.toString());
        }
    }
}
