package dev.restora.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.restora.core.parity.ParityCases;
import dev.restora.core.parity.ParityFixtures;
import dev.restora.core.parity.Tolerance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Checkpoint values against what the parity fixtures' .npy files imply. */
class CheckpointFixtureValuesTest {

    /** Swin buffers: relative_position_index (int64) is the standard table; attn_mask equals the mask fixtures. */
    @Test
    void resshiftSwinBuffers() {
        ParityFixtures fx = ParityFixtures.family("resshift");
        // the shifted-window mask cases: every output is named by the feature size it is for, HxW
        List<JsonObject> maskCases = fx.cases("building_block").stream().filter(c -> c.has("outputs")
                && !c.getAsJsonObject("outputs").keySet().isEmpty()
                && c.getAsJsonObject("outputs").keySet().stream().allMatch(k -> k.matches("\\d+x\\d+"))).toList();
        ParityCases.requireSome(maskCases.size(), "resshift shifted-window mask case (outputs named HxW)");
        int indexTables = 0;
        int masks = 0;
        for (JsonElement e : fx.manifest().getAsJsonArray("checkpoints")) {
            Path file = fx.file(e.getAsJsonObject().get("file").getAsString());
            try (NDManager m = NDManager.newBaseManager()) {
                for (Map.Entry<String, NDArray> t : Checkpoint.read(file, m).tensors().entrySet()) {
                    NDArray a = t.getValue();
                    if (t.getKey().endsWith("relative_position_index")) {
                        assertEquals(DataType.INT64, a.getDataType(), t.getKey());
                        int ws = (int) Math.round(Math.sqrt(a.getShape().get(0)));
                        assertArrayEquals(relativePositionIndex(ws), a.toLongArray(), t.getKey() + " of " + file);
                        indexTables++;
                    }
                    if (t.getKey().endsWith("attn_mask")) {
                        for (JsonObject maskCase : maskCases) {
                            for (Map.Entry<String, JsonElement> out : maskCase.getAsJsonObject("outputs").entrySet()) {
                                NDArray expected = fx.load(m, out.getValue());
                                if (expected.getShape().equals(a.getShape())) {
                                    Tolerance.assertWithin(t.getKey() + " of " + file + " vs " + out.getKey(), a,
                                            expected, maskCase.getAsJsonObject("tolerance"));
                                    masks++;
                                }
                            }
                        }
                    }
                }
            }
        }
        assertTrue(indexTables > 0, "no relative_position_index in the resshift checkpoints");
        assertTrue(masks > 0, "no checkpoint attn_mask matched a shifted-window mask fixture shape");
    }

    /**
     * The quantizer cases' outputs whose codebook the case does not carry are rows of an autoencoder checkpoint's
     * codebook: found by content (the checkpoint whose codebook rows, picked by the reference indices, give the
     * reference output), not by a file name in the description.
     */
    @Test
    void resshiftCodebookRows() {
        ParityFixtures fx = ParityFixtures.family("resshift");
        List<JsonObject> cases = ParityCases.having(fx, "building_block", List.of("z"), List.of());
        int compared = 0;
        try (NDManager m = NDManager.newBaseManager()) {
            List<Map.Entry<Path, NDArray>> codebooks = new ArrayList<>();
            for (JsonElement e : fx.manifest().getAsJsonArray("checkpoints")) {
                Path file = fx.file(e.getAsJsonObject().get("file").getAsString());
                NDArray cb = Checkpoint.read(file, m).tensors().get("quantize.embedding.weight");
                if (cb != null) {
                    codebooks.add(Map.entry(file, cb));
                }
            }
            for (JsonObject c : cases) {
                JsonObject in = c.getAsJsonObject("inputs");
                JsonObject out = c.getAsJsonObject("outputs");
                double tol = c.getAsJsonObject("tolerance").get("abs").getAsDouble();
                for (String key : out.keySet()) {
                    String suffix = key.startsWith("zq") ? key.substring(2) : null;
                    if (suffix == null || in.has("codebook" + suffix) || !out.has("indices" + suffix)) {
                        continue;
                    }
                    NDArray indices = fx.load(m, out.get("indices" + suffix));
                    NDArray zq = fx.load(m, out.get(key));
                    long maxIndex = indices.max().toType(DataType.INT64, false).getLong();
                    List<String> tried = new ArrayList<>();
                    Path match = null;
                    for (Map.Entry<Path, NDArray> cb : codebooks) {
                        NDArray codebook = cb.getValue();
                        if (codebook.getShape().get(1) != zq.getShape().get(1) || codebook.getShape().get(0) <= maxIndex) {
                            continue;
                        }
                        // codebook rows picked by the indices, laid out as (1, C, H, W)
                        NDArray picked = codebook.get(indices.flatten()).transpose().reshape(zq.getShape());
                        double d = Tolerance.maxAbsDiff(picked, zq);
                        tried.add(cb.getKey().getFileName() + ": max|diff| " + d);
                        if (d <= tol) {
                            match = cb.getKey();
                        }
                    }
                    Path found = match;
                    assertTrue(found != null, () -> ParityFixtures.str(c, "name") + " " + key + ": no checkpoint "
                            + "codebook gives the reference output within " + tol + "; tried " + tried);
                    System.out.printf("%s %s: rows of the codebook of %s%n", ParityFixtures.str(c, "name"), key,
                            found.getFileName());
                    compared++;
                }
            }
        }
        ParityCases.requireSome(compared, "resshift quantizer output without its own codebook (building_block z -> zq)");
    }

    /** The Fourier embedding fixtures follow from the checkpoint's W; W is the same in state_dict and EMA. */
    @Test
    void sgmseFourierWeights() {
        ParityFixtures fx = ParityFixtures.family("sgmse");
        List<JsonObject> cases = ParityCases.having(fx, "building_block", List.of("t"), List.of("emb"));
        ParityCases.requireSome(cases.size(), "sgmse Fourier embedding case (building_block t -> emb)");
        for (JsonObject c : cases) {
            String name = c.has("checkpoint") ? c.get("checkpoint").getAsString().trim().split("\\s+")[0]
                    : fx.manifest().getAsJsonArray("checkpoints").get(0).getAsJsonObject().get("file").getAsString();
            // the description names the key, e.g. "W from the checkpoint (dnn.all_modules.0.W, ...)"
            java.util.regex.Matcher km = java.util.regex.Pattern.compile("([\\w.]+\\.W)\\b")
                    .matcher(c.has("description") ? c.get("description").getAsString() : "");
            String key = km.find() ? km.group(1) : "dnn.all_modules.0.W";
            try (NDManager m = NDManager.newBaseManager()) {
                Checkpoint ckpt = Checkpoint.read(fx.file(name), m);
                NDArray w = ckpt.stateDict().get(key);
                int index = ckpt.stateDict().keys().indexOf(key);
                NDArray emaW = ckpt.emaShadowParams().orElseThrow().get(index);
                assertTrue(w.contentEquals(emaW), "W differs between state_dict and EMA");
                NDArray t = fx.load(m, c.getAsJsonObject("inputs").get("t"));
                NDArray proj = t.log().reshape(-1, 1).mul(w.reshape(1, -1)).mul((float) (2 * Math.PI));
                NDArray emb = proj.sin().concat(proj.cos(), 1);
                Tolerance.assertWithin("fourier embedding with W of " + name, emb,
                        fx.load(m, c.getAsJsonObject("outputs").get("emb")), c.getAsJsonObject("tolerance"));
            }
        }
    }

    /** Swin's relative position index for a ws x ws window (Liu et al. 2021, eq. for B-hat indexing). */
    static long[] relativePositionIndex(int ws) {
        int n = ws * ws;
        long[] out = new long[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int dh = i / ws - j / ws + ws - 1;
                int dw = i % ws - j % ws + ws - 1;
                out[i * n + j] = (long) dh * (2 * ws - 1) + dw;
            }
        }
        return out;
    }
}
