package dev.restora.esrgan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import dev.restora.core.parity.ParityFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Parity with TensorFlow.js 4.22 running the packages' models ({@code <parity>/esrgan/manifest.json}): for every
 * case the named package/scale is loaded from the project's copy (the bundled thick x4, the others from the test
 * resources), fed the case's input times {@code network_range[1]}, and its first conv's output and raw network
 * output are compared with the manifest's {@code max_abs} and {@code rel_l2} tolerances.
 */
class TfjsParityTest {

    @Test
    void everyManifestCaseMatchesTensorFlowJs() throws IOException {
        ParityFixtures fx = ParityFixtures.family("esrgan");
        List<JsonObject> cases = fx.cases(null);
        assertFalse(cases.isEmpty(), "the esrgan manifest has no case");
        StringBuilder report = new StringBuilder();
        for (JsonObject c : cases) {
            String name = ParityFixtures.str(c, "name");
            EsrganVariant v = EsrganVariant.of(ParityFixtures.str(c, "package"), ParityFixtures.str(c, "model"));
            assertNotNull(v, name + ": no project copy of " + c.get("package") + " " + c.get("model"));
            assertEquals("NHWC", ParityFixtures.str(c, "layout"), name);
            float range = c.getAsJsonArray("network_range").get(1).getAsFloat();
            assertEquals(v.networkRange(), range, name + ": network range");
            assertEquals(v.scale(), c.get("scale").getAsInt(), name);
            JsonObject tol = c.getAsJsonObject("tolerance");
            try (NDManager m = NDManager.newBaseManager()) {
                EsrganModel model = EsrganModel.load(v, TestModels.files(v), m);
                NDArray in = ParityFixtures.npy(m, fx.file(ParityFixtures.str(c, "input")));
                NDArray x = in.transpose(0, 3, 1, 2).mul(range);
                Map<String, NDArray> taps = new HashMap<>();
                JsonObject inter = c.getAsJsonObject("intermediates");
                NDArray out = model.network().forward(x, (layer, value) -> {
                    if (inter.has(layer)) {
                        taps.put(layer, value.transpose(0, 2, 3, 1).duplicate());
                    }
                });
                for (String layer : inter.keySet()) {
                    NDArray ref = ParityFixtures.npy(m, fx.file(inter.get(layer).getAsString()));
                    assertTrue(taps.containsKey(layer), name + ": the graph has no layer " + layer);
                    report.append(check(name + " " + layer, taps.get(layer), ref, tol, range));
                }
                NDArray ref = ParityFixtures.npy(m, fx.file(ParityFixtures.str(c, "output")));
                report.append(check(name + " output", out.transpose(0, 2, 3, 1), ref, tol, range));
            }
        }
        System.out.println(report);
    }

    /** max|a - e| <= max_abs (in network-range units) and ||a - e|| <= rel_l2 ||e||, in float64. */
    static String check(String what, NDArray actual, NDArray expected, JsonObject tol, float range) {
        assertEquals(expected.getShape(), actual.getShape(), what + " shape");
        NDArray a = actual.toType(DataType.FLOAT64, false);
        NDArray e = expected.toType(DataType.FLOAT64, false);
        NDArray d = a.sub(e);
        double maxAbs = d.abs().max().getDouble();
        double rel = Math.sqrt(d.square().sum().getDouble() / e.square().sum().getDouble());
        double maxTol = tol.get("max_abs").getAsDouble();
        double relTol = tol.get("rel_l2").getAsDouble();
        assertTrue(maxAbs <= maxTol, String.format(Locale.ROOT, "%s: max|diff| %.3g > %.3g", what, maxAbs, maxTol));
        assertTrue(rel <= relTol, String.format(Locale.ROOT, "%s: rel L2 %.3g > %.3g", what, rel, relTol));
        return String.format(Locale.ROOT, "%-40s max|diff| %.2e (tol %.1e)  rel L2 %.2e (tol %.1e)%n", what, maxAbs,
                maxTol, rel, relTol);
    }
}
