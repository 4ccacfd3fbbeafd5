package dev.restora.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.restora.core.parity.ParityFixtures;
import dev.restora.core.parity.Tolerance;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Checkpoint values against what the parity fixtures' .npy files imply. */
class CheckpointFixtureValuesTest {

    /** Swin buffers: relative_position_index (int64) is the standard table; attn_mask equals the mask fixtures. */
    @Test
    void resshiftSwinBuffers() {
        ParityFixtures fx = ParityFixtures.family("resshift");
        JsonObject maskCase = fx.caseNamed("swin_attn_mask");
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
                    if (t.getKey().endsWith("attn_mask") && maskCase != null) {
                        for (Map.Entry<String, JsonElement> out : maskCase.getAsJsonObject("outputs").entrySet()) {
                            NDArray expected = fx.load(m, out.getValue());
                            if (expected.getShape().equals(a.getShape())) {
                                Tolerance.assertWithin(t.getKey() + " of " + file + " vs " + out.getKey(), a, expected,
                                        maskCase.getAsJsonObject("tolerance"));
                                masks++;
                            }
                        }
                    }
                }
            }
        }
        assertTrue(indexTables > 0, "no relative_position_index in the resshift checkpoints");
        if (maskCase != null) {
            assertTrue(masks > 0, "no checkpoint attn_mask matched a swin_attn_mask fixture shape");
        }
    }

    /** The quantizer fixture's outputs are rows of the autoencoder checkpoint's codebook. */
    @Test
    void resshiftCodebookRows() {
        ParityFixtures fx = ParityFixtures.family("resshift");
        JsonObject c = fx.caseNamed("vq_quantizer");
        Assumptions.assumeTrue(c != null, "no vq_quantizer case");
        Path file = null;
        for (JsonElement e : fx.manifest().getAsJsonArray("checkpoints")) {
            String name = e.getAsJsonObject().get("file").getAsString();
            if (c.get("description").getAsString().contains(name)) {
                file = fx.file(name);
            }
        }
        Assumptions.assumeTrue(file != null, "vq_quantizer names no checkpoint");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray codebook = Checkpoint.read(file, m).stateDict().get("quantize.embedding.weight");
            NDArray indices = fx.load(m, c.getAsJsonObject("outputs").get("indices_small"));
            NDArray zq = fx.load(m, c.getAsJsonObject("outputs").get("zq_small"));
            // codebook rows picked by the indices, laid out as (1, C, H, W)
            NDArray picked = codebook.get(indices.flatten()).transpose().reshape(zq.getShape());
            Tolerance.assertAbs("codebook rows of " + file, picked, zq, c.getAsJsonObject("tolerance").get("abs").getAsDouble());
        }
    }

    /** The Fourier embedding fixture follows from the checkpoint's W; W is the same in state_dict and EMA. */
    @Test
    void sgmseFourierWeights() {
        ParityFixtures fx = ParityFixtures.family("sgmse");
        JsonObject c = fx.caseNamed("fourier_embedding");
        Assumptions.assumeTrue(c != null, "no fourier_embedding case");
        String name = c.has("checkpoint") ? c.get("checkpoint").getAsString()
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
