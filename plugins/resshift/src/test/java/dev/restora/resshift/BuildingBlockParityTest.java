package dev.restora.resshift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.restora.core.nn.Embeddings;
import dev.restora.core.nn.Resize;
import dev.restora.core.parity.ParityCases;
import dev.restora.core.parity.ParityFixtures;
import dev.restora.core.parity.Tolerance;
import dev.restora.resshift.diffusion.EtaSchedule;
import dev.restora.resshift.unet.ShiftedWindowMask;
import dev.restora.resshift.vq.VectorQuantizer;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The manifest's building_block cases, dispatched by the fields they carry (never by name): a schedule table
 * file, a timestep embedding (t -> emb), shifted-window masks (outputs named HxW), a bicubic resize (x -> y), a
 * quantizer (z, codebooks). Autoencoder building blocks (a checkpoint field) run in {@link NetworkParityTest}.
 */
class BuildingBlockParityTest {

    @TestFactory
    Stream<DynamicTest> buildingBlocks() {
        ParityFixtures fx = ParityFixtures.family("resshift");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonObject c : fx.cases("building_block")) {
            String name = ParityFixtures.str(c, "name");
            JsonObject in = c.has("inputs") ? c.getAsJsonObject("inputs") : new JsonObject();
            JsonObject out = c.has("outputs") ? c.getAsJsonObject("outputs") : new JsonObject();
            if (c.has("checkpoint")) {
                continue;
            }
            if (c.has("file") && ParityFixtures.str(c, "file").endsWith(".json")) {
                tests.add(DynamicTest.dynamicTest(name, () -> schedules(fx, c)));
            } else if (in.has("t") && out.has("emb")) {
                tests.add(DynamicTest.dynamicTest(name, () -> embedding(fx, c)));
            } else if (!out.keySet().isEmpty() && out.keySet().stream().allMatch(k -> k.matches("\\d+x\\d+"))) {
                tests.add(DynamicTest.dynamicTest(name, () -> masks(fx, c)));
            } else if (in.has("x") && out.has("y")) {
                tests.add(DynamicTest.dynamicTest(name, () -> bicubic(fx, c)));
            } else if (in.has("z")) {
                tests.add(DynamicTest.dynamicTest(name, () -> quantizer(fx, c)));
            } else {
                throw new AssertionError("building block case '" + name + "' has no recognised fields: " + c.keySet());
            }
        }
        return ParityCases.nonEmpty("resshift building_block case", tests);
    }

    private static void schedules(ParityFixtures fx, JsonObject c) throws IOException {
        JsonObject tables = JsonParser.parseString(Files.readString(fx.file(ParityFixtures.str(c, "file"))))
                .getAsJsonObject();
        JsonObject tol = c.getAsJsonObject("tolerance");
        double abs = tol.has("abs") ? tol.get("abs").getAsDouble() : 0;
        double rel = tol.has("rel") ? tol.get("rel").getAsDouble() : 0;
        assertFalse(tables.keySet().isEmpty());
        for (Map.Entry<String, JsonElement> e : tables.entrySet()) {
            JsonObject t = e.getValue().getAsJsonObject();
            JsonObject cfg = t.getAsJsonObject("config");
            assertEquals("exponential", cfg.get("schedule_name").getAsString(), e.getKey());
            assertTrue(cfg.get("timestep_respacing").isJsonNull(), e.getKey() + ": respacing not supported");
            int steps = cfg.get("steps").getAsInt();
            EtaSchedule s = EtaSchedule.exponential(steps, cfg.getAsJsonObject("schedule_kwargs").get("power").getAsDouble(),
                    cfg.get("min_noise_level").getAsDouble(), cfg.get("etas_end").getAsDouble(),
                    cfg.get("kappa").getAsDouble(), false);
            JsonArray map = t.getAsJsonArray("timestep_map");
            for (int i = 0; i < steps; i++) {
                assertEquals(i, map.get(i).getAsInt(), e.getKey() + " timestep_map");
            }
            String k = e.getKey();
            check(k + " sqrt_etas", t.getAsJsonArray("sqrt_etas"), s::sqrtEta, abs, rel);
            check(k + " etas", t.getAsJsonArray("etas"), s::eta, abs, rel);
            check(k + " etas_prev", t.getAsJsonArray("etas_prev"), s::etaPrev, abs, rel);
            check(k + " alpha", t.getAsJsonArray("alpha"), s::alpha, abs, rel);
            check(k + " posterior_variance", t.getAsJsonArray("posterior_variance"), s::posteriorVariance, abs, rel);
            check(k + " posterior_log_variance_clipped", t.getAsJsonArray("posterior_log_variance_clipped"),
                    s::posteriorLogVarianceClipped, abs, rel);
            check(k + " coef1", t.getAsJsonArray("posterior_mean_coef1"), s::coef1, abs, rel);
            check(k + " coef2", t.getAsJsonArray("posterior_mean_coef2"), s::coef2, abs, rel);
            for (String key : t.keySet()) {
                if (key.startsWith("input_scale_std")) {
                    check(k + " input scale", t.getAsJsonArray(key), s::inputScale, abs, rel);
                } else if (key.startsWith("prior_std")) {
                    double exp = t.get(key).getAsDouble();
                    assertTrue(Math.abs(s.priorStd() - exp) <= abs + rel * Math.abs(exp), k + " prior std " + s.priorStd());
                }
            }
        }
    }

    private static void check(String what, JsonArray expected, java.util.function.IntToDoubleFunction actual,
                              double abs, double rel) {
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.get(i).getAsDouble();
            double a = actual.applyAsDouble(i);
            assertTrue(Math.abs(a - e) <= abs + rel * Math.abs(e), what + "[" + i + "]: " + a + " vs " + e);
        }
    }

    private static void embedding(ParityFixtures fx, JsonObject c) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray t = fx.load(m, c.getAsJsonObject("inputs").get("t"));
            NDArray expected = fx.load(m, c.getAsJsonObject("outputs").get("emb"));
            int dim = (int) expected.getShape().get(1);
            NDArray emb = Embeddings.sinusoidal(t, dim, 10000);
            Tolerance.assertWithin("emb", emb, expected, c.getAsJsonObject("tolerance"));
        }
    }

    private static void masks(ParityFixtures fx, JsonObject c) {
        try (NDManager m = NDManager.newBaseManager()) {
            for (Map.Entry<String, JsonElement> e : c.getAsJsonObject("outputs").entrySet()) {
                String[] hw = e.getKey().split("x");
                NDArray expected = fx.load(m, e.getValue());
                int n = (int) expected.getShape().get(1);
                int window = (int) Math.round(Math.sqrt(n));
                // the fixture is for window 8, shift 4 (the description); derive the window from the token count
                float[] mask = ShiftedWindowMask.compute(Integer.parseInt(hw[0]), Integer.parseInt(hw[1]), window,
                        window / 2);
                NDArray actual = m.create(mask, expected.getShape());
                Tolerance.assertWithin("mask " + e.getKey(), actual, expected, c.getAsJsonObject("tolerance"));
            }
        }
    }

    private static void bicubic(ParityFixtures fx, JsonObject c) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = fx.load(m, c.getAsJsonObject("inputs").get("x"));
            NDArray expected = fx.load(m, c.getAsJsonObject("outputs").get("y"));
            int factor = (int) (expected.getShape().get(2) / x.getShape().get(2));
            NDArray y = Resize.bicubic(x, factor);
            Tolerance.assertWithin("bicubic", y, expected, c.getAsJsonObject("tolerance"));
        }
    }

    /** Index threshold from a tolerance text such as "exact where margin >= 1e-5". */
    static double[] marginRule(JsonObject tol, String[] marginName) {
        if (!tol.has("indices")) {
            return null;
        }
        Matcher mt = Pattern.compile("where\\s+(\\w+)\\s*>=\\s*([0-9.eE+-]+)").matcher(tol.get("indices").getAsString());
        if (!mt.find()) {
            throw new AssertionError("cannot read the indices rule " + tol.get("indices"));
        }
        marginName[0] = mt.group(1);
        return new double[] {Double.parseDouble(mt.group(2))};
    }

    /** Asserts indices equal where margin >= threshold; returns the number of positions compared. */
    static int assertIndices(String what, NDArray actual, NDArray expected, NDArray margin, double threshold) {
        long[] a = actual.toType(DataType.INT64, false).toLongArray();
        long[] e = expected.toType(DataType.INT64, false).toLongArray();
        float[] mg = margin.toType(DataType.FLOAT32, false).toFloatArray();
        assertEquals(e.length, a.length, what + " size");
        assertEquals(e.length, mg.length, what + " margin size");
        int compared = 0;
        for (int i = 0; i < e.length; i++) {
            if (mg[i] >= threshold) {
                compared++;
                assertEquals(e[i], a[i], what + ": code at position " + i + " (margin " + mg[i] + ")");
            }
        }
        return compared;
    }

    private static void quantizer(ParityFixtures fx, JsonObject c) {
        JsonObject in = c.getAsJsonObject("inputs");
        JsonObject out = c.getAsJsonObject("outputs");
        JsonObject tol = c.getAsJsonObject("tolerance");
        String[] marginName = new String[1];
        double[] threshold = marginRule(tol, marginName);
        int checked = 0;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = fx.load(m, in.get("z"));
            for (String key : out.keySet()) {
                if (!key.startsWith("zq")) {
                    continue;
                }
                String suffix = key.substring(2);
                NDArray codebook;
                if (in.has("codebook" + suffix)) {
                    codebook = fx.load(m, in.get("codebook" + suffix));
                } else {
                    codebook = vqCodebook(fx, m, (int) z.getShape().get(1));
                }
                VectorQuantizer vq = new VectorQuantizer(codebook);
                NDArray idx = vq.indices(z);
                NDArray zq = vq.lookup(z, idx);
                Tolerance.assertWithin(key, zq, fx.load(m, out.get(key)), tol);
                if (out.has("indices" + suffix) && threshold != null) {
                    NDArray expIdx = fx.load(m, out.get("indices" + suffix));
                    NDArray margin = fx.load(m, out.get(marginName[0] + suffix));
                    int compared = assertIndices("indices" + suffix, idx.reshape(expIdx.getShape()), expIdx, margin,
                            threshold[0]);
                    assertTrue(compared > 0, "no index above the margin threshold");
                }
                checked++;
            }
        }
        assertTrue(checked > 0, "quantizer case without zq outputs");
    }

    /** The codebook of the manifest's VQ checkpoint whose embed_dim matches (the case names no checkpoint). */
    private static NDArray vqCodebook(ParityFixtures fx, NDManager m, int dim) {
        for (JsonElement e : fx.manifest().getAsJsonArray("checkpoints")) {
            JsonObject cp = e.getAsJsonObject();
            if (ParityFixtures.str(cp, "class").endsWith("VQModelTorch")
                    && cp.getAsJsonObject("params").get("embed_dim").getAsInt() == dim) {
                return FixtureWeights.stateDict(fx.file(ParityFixtures.str(cp, "file")), m).get("quantize.embedding.weight");
            }
        }
        throw new AssertionError("no VQ checkpoint with embed_dim " + dim);
    }

    static Shape shape(JsonObject entry) {
        JsonArray a = entry.getAsJsonArray("shape");
        long[] s = new long[a.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = a.get(i).getAsLong();
        }
        return new Shape(s);
    }
}
