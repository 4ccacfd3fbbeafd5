package dev.restora.sgmse;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import dev.restora.core.checkpoint.CheckpointException;
import dev.restora.core.parity.ParityFixtures;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An ncsnpp_v2 checkpoint with a scaling the port does not know is refused when it loads, naming the setting. */
class HyperParameterChecksTest {
    @Test
    void unknownScalingsAreRefusedAtLoad() {
        ParityFixtures fx = ParityFixtures.family("sgmse");
        int checked = 0;
        for (JsonElement e : fx.manifest().getAsJsonArray("checkpoints")) {
            Path file = fx.file(e.getAsJsonObject().get("file").getAsString());
            try (NDManager m = NDManager.newBaseManager()) {
                LoadedCheckpoint ck = LoadedCheckpoint.read(file, m);
                if (!"ncsnpp_v2".equals(ck.hparams().string("backbone", "ncsnpp"))) {
                    continue;
                }
                SgmseModel.load(ck, false); // as released: loads
                for (String key : new String[] {"c_in", "c_out", "c_skip", "network_scaling"}) {
                    Map<String, Object> hp = new HashMap<>(ck.hyperParameters());
                    hp.put(key, "bogus");
                    LoadedCheckpoint changed = new LoadedCheckpoint(ck.stateDict(), ck.emaShadowParams(), hp,
                            ck.source());
                    CheckpointException ex = assertThrows(CheckpointException.class,
                            () -> SgmseModel.load(changed, false), key);
                    assertTrue(ex.getMessage().contains(key) && ex.getMessage().contains("bogus"), ex.getMessage());
                }
                checked++;
            }
        }
        assertTrue(checked > 0, "no ncsnpp_v2 checkpoint among the fixtures");
    }
}
