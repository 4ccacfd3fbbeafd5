package dev.restora.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.restora.core.parity.ParityCases;
import dev.restora.core.parity.ParityFixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every checkpoint listed in the parity manifests' {@code checkpoints[]} loads, is the file the manifest names
 * (sha256), and holds the manifest's parameter count (buffers excluded: the parameter count of
 * {@code model.parameters()}); a manifest {@code parameter_order} must be the parameter key order, and Lightning
 * files must carry EMA weights in that order with matching shapes.
 */
class CheckpointParityTest {
    /** Non-parameter buffers a state dict may hold next to the parameters. */
    static final List<String> BUFFER_SUFFIXES = List.of("relative_position_index", "attn_mask",
            "running_mean", "running_var", "num_batches_tracked");

    @TestFactory
    Stream<DynamicTest> resshift() {
        return checkpoints("resshift");
    }

    @TestFactory
    Stream<DynamicTest> sgmse() {
        return checkpoints("sgmse");
    }

    @TestFactory
    Stream<DynamicTest> storm() {
        return checkpoints("storm");
    }

    private Stream<DynamicTest> checkpoints(String family) {
        return ParityCases.family(family, "checkpoints[] entry", fx -> {
            List<DynamicTest> tests = new ArrayList<>();
            JsonElement cps = fx.manifest().get("checkpoints");
            if (cps != null && cps.isJsonArray()) {
                for (JsonElement e : cps.getAsJsonArray()) {
                    JsonObject cp = e.getAsJsonObject();
                    String file = ParityFixtures.str(cp, "file");
                    tests.add(DynamicTest.dynamicTest(family + "/" + file, () -> check(fx, cp)));
                }
            }
            return tests;
        }).stream();
    }

    static void check(ParityFixtures fx, JsonObject cp) throws Exception {
        Path file = fx.file(ParityFixtures.str(cp, "file"));
        if (cp.has("sha256")) {
            assertEquals(cp.get("sha256").getAsString(), sha256(file), "sha256 of " + file);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoint c = Checkpoint.read(file, manager);
            Map<String, NDArray> t = c.tensors();
            assertFalse(t.isEmpty());
            for (String k : t.keySet()) {
                assertFalse(k.startsWith("module.") || k.startsWith("_orig_mod."), k);
            }
            List<String> params = new ArrayList<>();
            for (Map.Entry<String, NDArray> en : t.entrySet()) {
                if (BUFFER_SUFFIXES.stream().noneMatch(en.getKey()::endsWith)) {
                    params.add(en.getKey());
                }
                if (en.getKey().endsWith("relative_position_index")) {
                    assertEquals(DataType.INT64, en.getValue().getDataType(), en.getKey());
                }
            }
            JsonElement expected = cp.get("num_parameters");
            if (expected != null && expected.isJsonPrimitive()) {
                assertEquals(expected.getAsLong(), count(t, params, ""), "parameter count of " + file);
            } else if (expected != null && expected.isJsonObject()) {
                for (Map.Entry<String, JsonElement> part : expected.getAsJsonObject().entrySet()) {
                    assertEquals(part.getValue().getAsLong(), count(t, params, part.getKey() + "."),
                            "parameter count of " + part.getKey() + " in " + file);
                }
            }
            if (cp.has("parameter_order")) {
                List<String> order = new ArrayList<>();
                cp.getAsJsonArray("parameter_order").forEach(k -> order.add(k.getAsString()));
                assertEquals(order, params, "parameter key order of " + file);
            }
            if (cp.has("ema_differs_from_state_dict")) {
                List<NDArray> ema = c.emaShadowParams().orElseThrow(() -> new AssertionError("no EMA in " + file));
                assertEquals(params.size(), ema.size(), "EMA tensors in " + file);
                boolean differs = false;
                for (int i = 0; i < ema.size(); i++) {
                    NDArray raw = t.get(params.get(i));
                    assertEquals(raw.getShape(), ema.get(i).getShape(), "EMA shape of " + params.get(i));
                    differs |= !raw.contentEquals(ema.get(i));
                }
                assertEquals(cp.get("ema_differs_from_state_dict").getAsBoolean(), differs, "EMA differs in " + file);
                StateDict emaDict = c.emaStateDict(params::contains).orElseThrow();
                assertEquals(List.copyOf(t.keySet()), emaDict.keys());
                for (int i = 0; i < ema.size(); i++) {
                    assertTrue(emaDict.get(params.get(i)) == ema.get(i), params.get(i));
                }
            }
            if (cp.has("hyper_parameters") && cp.get("hyper_parameters").isJsonObject()) {
                Map<String, Object> hp = c.hyperParameters();
                for (Map.Entry<String, JsonElement> h : cp.getAsJsonObject("hyper_parameters").entrySet()) {
                    assertTrue(hp.containsKey(h.getKey()), "hyper-parameter " + h.getKey() + " of " + file);
                    JsonElement v = h.getValue();
                    Object mine = hp.get(h.getKey());
                    if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isString()) {
                        assertEquals(v.getAsString(), String.valueOf(mine), h.getKey());
                    } else if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber()) {
                        assertEquals(v.getAsDouble(), ((Number) mine).doubleValue(), 0, h.getKey());
                    } else if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isBoolean()) {
                        assertEquals(v.getAsBoolean(), mine, h.getKey());
                    }
                }
            }
        }
    }

    private static long count(Map<String, NDArray> t, List<String> params, String prefix) {
        long n = 0;
        for (String k : params) {
            if (k.startsWith(prefix)) {
                n += t.get(k).size();
            }
        }
        return n;
    }

    static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
