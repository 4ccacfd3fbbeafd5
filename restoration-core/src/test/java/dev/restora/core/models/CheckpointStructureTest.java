package dev.restora.core.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.core.RestoraException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's structure check with the real checkpoint reader on real safetensors files. */
class CheckpointStructureTest {
    @TempDir
    Path tmp;

    /** A safetensors file of float32 tensors (name to shape), zero-filled. */
    static byte[] safetensors(Map<String, long[]> tensors) throws IOException {
        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        for (Map.Entry<String, long[]> e : tensors.entrySet()) {
            long n = 1;
            StringBuilder shape = new StringBuilder();
            for (long d : e.getValue()) {
                n *= d;
                shape.append(shape.length() == 0 ? "" : ",").append(d);
            }
            if (header.length() > 1) {
                header.append(',');
            }
            header.append('"').append(e.getKey()).append("\":{\"dtype\":\"F32\",\"shape\":[").append(shape)
                    .append("],\"data_offsets\":[").append(offset).append(',').append(offset + 4 * n).append("]}");
            offset += 4 * n;
        }
        header.append('}');
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
        out.write(h);
        out.write(new byte[(int) offset]);
        return out.toByteArray();
    }

    private static Path resource(String name) {
        try {
            return Path.of(CheckpointStructureTest.class.getResource("/checkpoint/" + name).toURI());
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resource /checkpoint/" + name + " missing", e);
        }
    }

    @Test
    void downloadedTorchCheckpointsAreCheckedBeforeTheyAreKept() throws IOException {
        // real files written by torch.save (see /checkpoint/make_fixtures.py): a Lightning .ckpt and a wrapped .pth
        byte[] lightning = Files.readAllBytes(resource("lightning.ckpt"));
        byte[] wrapped = Files.readAllBytes(resource("wrapped.pth"));
        try (TestModelServer server = new TestModelServer(wrapped)) {
            CatalogEntry e = new CatalogEntry("score", "score.ckpt", server.url("score.ckpt"), -1, null, "MIT", false, "");
            ModelCatalog catalog = new ModelCatalog().add(e,
                    ExpectedStructure.tensors("dnn.lin.bias").withShape("dnn.lin.weight", 2, 3));
            ModelStore store = new ModelStore(catalog, tmp.resolve("store")).setOffline(false);

            RestoraException ex = assertThrows(RestoraException.class, () -> store.download("score", null));
            assertTrue(ex.getMessage().contains("does not hold the expected model")
                    && ex.getMessage().contains("missing tensors [dnn.lin.bias, dnn.lin.weight]"), ex.getMessage());
            assertEquals(ModelStatus.MISSING, store.status("score"));

            server.content = lightning;
            Path p = store.download("score", null);
            assertEquals(ModelStatus.VERIFIED, store.status("score"));
            assertEquals(List.of(2L, 3L), TensorInspector.CHECKPOINT.tensors(p).get("dnn.lin.weight"));
        }
    }

    @Test
    void importChecksTensorNamesAndShapesWithTheCheckpointReader() throws IOException {
        CatalogEntry e = new CatalogEntry("unet", "unet.safetensors", "http://127.0.0.1:9/unet.safetensors", -1, null,
                "", false, "");
        ModelCatalog catalog = new ModelCatalog().add(e,
                ExpectedStructure.tensors("input_blocks.0.0.weight", "out.2.bias").withShape("out.2.bias", 3));
        ModelStore store = new ModelStore(catalog, tmp.resolve("store"));

        Path wrongShape = tmp.resolve("wrong.safetensors");
        Files.write(wrongShape, safetensors(new java.util.LinkedHashMap<>(Map.of(
                "input_blocks.0.0.weight", new long[] {4, 3, 3, 3}, "out.2.bias", new long[] {6}))));
        RestoraException ex = assertThrows(RestoraException.class, () -> store.importFile("unet", wrongShape));
        assertTrue(ex.getMessage().contains("out.2.bias has shape [6], expected [3]"), ex.getMessage());

        Path otherModel = tmp.resolve("other.safetensors");
        Files.write(otherModel, safetensors(Map.of("encoder.weight", new long[] {2, 2})));
        ex = assertThrows(RestoraException.class, () -> store.importFile("unet", otherModel));
        assertTrue(ex.getMessage().contains("missing tensors [input_blocks.0.0.weight, out.2.bias]"), ex.getMessage());

        Path notACheckpoint = tmp.resolve("notes.safetensors");
        Files.writeString(notACheckpoint, "hello, not a checkpoint");
        ex = assertThrows(RestoraException.class, () -> store.importFile("unet", notACheckpoint));
        assertTrue(ex.getMessage().contains("not a readable checkpoint"), ex.getMessage());
        assertEquals(ModelStatus.MISSING, store.status("unet"));

        Path good = tmp.resolve("good.safetensors");
        Files.write(good, safetensors(new java.util.LinkedHashMap<>(Map.of(
                "input_blocks.0.0.weight", new long[] {4, 3, 3, 3}, "out.2.bias", new long[] {3}))));
        Path p = store.importFile("unet", good);
        assertEquals(ModelStatus.VERIFIED, store.status("unet"));
        assertEquals(List.of(3L), TensorInspector.CHECKPOINT.tensors(p).get("out.2.bias"));
    }
}
