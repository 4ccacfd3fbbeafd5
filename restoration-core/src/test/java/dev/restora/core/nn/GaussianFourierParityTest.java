package dev.restora.core.nn;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.restora.core.checkpoint.Checkpoint;
import dev.restora.core.engine.EngineSetup;
import dev.restora.core.parity.ParityCases;
import dev.restora.core.parity.ParityFixtures;
import dev.restora.core.parity.Tolerance;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * NCSN++'s Gaussian Fourier projection of log(t) against the SGMSE building-block cases embedding t,
 * with W read from the case's checkpoint (its {@code checkpoint} field, else the manifest's first checkpoint) under
 * the key the description names (default {@code dnn.all_modules.0.W}).
 */
class GaussianFourierParityTest {
    private static final Pattern KEY = Pattern.compile("([A-Za-z_][\\w.]*\\.W)\\b");

    @BeforeAll
    static void engine() {
        EngineSetup.configure();
    }

    @Test
    void fourierEmbeddingMatchesTheSgmseFixtures() {
        ParityFixtures fx = ParityFixtures.family("sgmse");
        List<JsonObject> cases = ParityCases.having(fx, "building_block", List.of("t"), List.of("emb"));
        ParityCases.requireSome(cases.size(), "sgmse Fourier embedding case (building_block t -> emb)");
        try (NDManager m = NDManager.newBaseManager()) {
            for (JsonObject c : cases) {
                String name = ParityFixtures.str(c, "name");
                String ckpt = ParityFixtures.str(c, "checkpoint");
                if (ckpt == null) {
                    JsonArray cps = fx.manifest().getAsJsonArray("checkpoints");
                    ckpt = ParityFixtures.str(cps.get(0).getAsJsonObject(), "file");
                } else {
                    ckpt = ckpt.replaceAll("\\s*\\(.*\\)$", ""); // "x.ckpt (EMA weights)"
                }
                String key = "dnn.all_modules.0.W";
                Matcher km = KEY.matcher(String.valueOf(ParityFixtures.str(c, "description")));
                if (km.find()) {
                    key = km.group(1);
                }
                Path file = fx.file(ckpt);
                NDArray w = Checkpoint.read(file, m).tensors().get(key);
                assertNotNull(w, file + " has no " + key);
                NDArray t = fx.load(m, c.getAsJsonObject("inputs").get("t"));
                JsonObject out = c.getAsJsonObject("outputs");
                NDArray ref = fx.load(m, out.get("emb"));
                NDArray y = Embeddings.gaussianFourier(t.log(), w);
                Tolerance.assertWithin(name, y, ref, c.getAsJsonObject("tolerance"));
                System.out.printf("%s (W = %s of %s): max|diff| = %.3g%n", name, key, ckpt,
                        Tolerance.maxAbsDiff(y, ref));
            }
        }
    }
}
