package dev.restora.sgmse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import dev.restora.core.parity.ParityFixtures;
import dev.restora.sgmse.nn.NcsnppConfig;
import dev.restora.sgmse.nn.NcsnppLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The NCSN++ layout generated from the hyper-parameters equals every fixture checkpoint's key order and shapes
 * (so EMA index i belongs to key i), and the released sizes have the parameter counts of spec §5.1.
 */
class LayoutTest {

    @Test
    void releasedSizesHaveTheSpecParameterCounts() {
        HyperParameters none = new HyperParameters(Map.of(), "defaults");
        assertEquals(65_590_822L, NcsnppLayout.parameterCount(Backbones.sgmse(none)));
        assertEquals(647, NcsnppLayout.parameters(Backbones.sgmse(none)).size());
        HyperParameters k48 = new HyperParameters(Map.of("backbone", "ncsnpp_48k"), "defaults");
        assertEquals(64_739_854L, NcsnppLayout.parameterCount(Backbones.sgmse(k48)));
        assertEquals(581, NcsnppLayout.parameters(Backbones.sgmse(k48)).size());
        NcsnppConfig score = Backbones.storm(none, "ncsnpp", 6, false);
        NcsnppConfig den = Backbones.storm(none, "ncsnpp", 2, true);
        assertEquals(27_776_038L, NcsnppLayout.parameterCount(score));
        assertEquals(271, NcsnppLayout.parameters(score).size());
        assertEquals(27_342_350L, NcsnppLayout.parameterCount(den));
        assertEquals(267, NcsnppLayout.parameters(den).size());
    }

    @Test
    void layoutMatchesEveryFixtureCheckpoint() {
        int checked = 0;
        for (String family : new String[] {"sgmse", "storm"}) {
            ParityFixtures fx = ParityFixtures.family(family);
            for (JsonElement e : fx.manifest().getAsJsonArray("checkpoints")) {
                Path file = fx.file(e.getAsJsonObject().get("file").getAsString());
                try (NDManager m = NDManager.newBaseManager()) {
                    LoadedCheckpoint ck = LoadedCheckpoint.read(file, m);
                    Map<String, Shape> expected = new LinkedHashMap<>();
                    if (StormModel.isStorm(ck)) {
                        HyperParameters hp = ck.hparams();
                        add(expected, "denoiser_net.", NcsnppLayout.parameters(
                                Backbones.storm(hp, hp.string("backbone_denoiser", "ncsnpp"), 2, true)));
                        add(expected, "score_net.", NcsnppLayout.parameters(
                                Backbones.storm(hp, hp.string("backbone_score", "ncsnpp"), 6, false)));
                    } else {
                        add(expected, "dnn.", NcsnppLayout.parameters(Backbones.sgmse(ck.hparams())));
                    }
                    List<String> keys = new ArrayList<>(ck.stateDict().keySet());
                    List<String> exp = new ArrayList<>(expected.keySet());
                    for (int i = 0; i < Math.min(exp.size(), keys.size()); i++) {
                        int at = i;
                        assertEquals(exp.get(i), keys.get(i), () -> file.getFileName() + " key " + at);
                    }
                    assertEquals(exp.size(), keys.size(), file.getFileName() + " number of keys");
                    Map<String, Shape> shapes = new HashMap<>();
                    for (Map.Entry<String, NDArray> t : ck.stateDict().entrySet()) {
                        shapes.put(t.getKey(), t.getValue().getShape());
                    }
                    for (Map.Entry<String, Shape> x : expected.entrySet()) {
                        assertEquals(x.getValue(), shapes.get(x.getKey()), file.getFileName() + " " + x.getKey());
                    }
                    assertEquals(keys.size(), ck.emaShadowParams().orElseThrow().size(), "EMA list length");
                    checked++;
                }
            }
        }
        assertTrue(checked > 0);
    }

    private static void add(Map<String, Shape> into, String prefix, Map<String, Shape> layout) {
        layout.forEach((k, v) -> into.put(prefix + k, v));
    }
}
