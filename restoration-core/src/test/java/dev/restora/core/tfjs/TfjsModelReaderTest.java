package dev.restora.core.tfjs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.core.RestoraException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TF.js layers-model reader on small models written here: values land in the right weights across a shard
 * boundary, the topology is read as data, and every refusal of the format's contract names the file.
 */
class TfjsModelReaderTest {
    @TempDir
    Path dir;

    /** A two-layer model: conv "c" with kernel [1,1,2,3] (6 values) and bias [3], 36 bytes over two shards. */
    static String modelJson(String dtype, String extra, String paths) {
        return """
                {"format": "layers-model", "generatedBy": "keras v2.10.0",
                 "modelTopology": {"keras_version": "2.10.0", "model_config": {"class_name": "Functional",
                  "config": {"name": "m", "layers": [
                   {"class_name": "InputLayer", "name": "in", "config": {"batch_input_shape": [null, null, null, 2]},
                    "inbound_nodes": []},
                   {"class_name": "Conv2D", "name": "c", "config": {"filters": 3, "kernel_size": [1, 1]},
                    "inbound_nodes": [[["in", 0, 0, {}]]]}],
                  "input_layers": [["in", 0, 0]], "output_layers": [["c", 0, 0]]}}},
                 "weightsManifest": [{"paths": %s, "weights": [
                   {"name": "c/kernel", "shape": [1, 1, 2, 3], "dtype": "%s"%s},
                   {"name": "c/bias", "shape": [3], "dtype": "float32"}]}]}
                """.formatted(paths, dtype, extra);
    }

    static byte[] floats(int from, int to) {
        ByteBuffer b = ByteBuffer.allocate((to - from) * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = from; i < to; i++) {
            b.putFloat(i + 0.5f);
        }
        return b.array();
    }

    void write(String json, int splitAt, int total) throws IOException {
        Files.writeString(dir.resolve("model.json"), json, StandardCharsets.UTF_8);
        Files.write(dir.resolve("s1.bin"), floats(0, splitAt));
        Files.write(dir.resolve("s2.bin"), floats(splitAt, total));
    }

    static final String TWO = "[\"s1.bin\", \"s2.bin\"]";

    @Test
    void readsTopologyAndWeightsAcrossShards() throws IOException {
        write(modelJson("float32", "", TWO), 4, 9); // the kernel spans both shards
        TfjsModel m = TfjsModelReader.read(ModelFiles.folder(dir));
        assertEquals(List.of("in"), m.inputLayers());
        assertEquals(List.of("c"), m.outputLayers());
        assertEquals(2, m.layers().size());
        assertEquals("Conv2D", m.layers().get(1).className());
        assertEquals(List.of("in"), m.layers().get(1).inbound());
        assertEquals(3, m.layers().get(1).config().get("filters").getAsInt());
        assertArrayEquals(new long[] {1, 1, 2, 3}, m.weight("c/kernel").shape());
        assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f}, m.weight("c/kernel").values());
        assertArrayEquals(new float[] {6.5f, 7.5f, 8.5f}, m.weight("c/bias").values());
    }

    @Test
    void readsFromTheClassPath() {
        TfjsModel m = TfjsModelReader.read(ModelFiles.classpath(getClass().getClassLoader(),
                "dev/restora/core/tfjs/tiny"));
        assertArrayEquals(new float[] {6.5f, 7.5f, 8.5f}, m.weight("c/bias").values());
        RestoraException e = assertThrows(RestoraException.class, () -> TfjsModelReader.read(
                ModelFiles.classpath(getClass().getClassLoader(), "dev/restora/core/tfjs/absent")));
        assertTrue(e.getMessage().contains("classpath:dev/restora/core/tfjs/absent/model.json"), e.getMessage());
    }

    RestoraException refused() {
        return assertThrows(RestoraException.class, () -> TfjsModelReader.read(ModelFiles.folder(dir)));
    }

    @Test
    void refusesOtherDtypes() throws IOException {
        write(modelJson("int32", "", TWO), 4, 9);
        RestoraException e = refused();
        assertTrue(e.getMessage().contains("c/kernel") && e.getMessage().contains("int32")
                && e.getMessage().contains(dir.resolve("model.json").toString()), e.getMessage());
    }

    @Test
    void refusesQuantizedWeights() throws IOException {
        write(modelJson("float32", ", \"quantization\": {\"dtype\": \"uint8\", \"min\": 0, \"scale\": 0.1}", TWO),
                4, 9);
        RestoraException e = refused();
        assertTrue(e.getMessage().contains("quantized") && e.getMessage().contains("c/kernel"), e.getMessage());
    }

    @Test
    void refusesAMissingShard() throws IOException {
        write(modelJson("float32", "", TWO), 4, 9);
        Files.delete(dir.resolve("s2.bin"));
        RestoraException e = refused();
        assertTrue(e.getMessage().contains(dir.resolve("s2.bin").toString()) && e.getMessage().contains("missing"),
                e.getMessage());
    }

    @Test
    void refusesAShortShard() throws IOException {
        write(modelJson("float32", "", TWO), 4, 8);
        RestoraException e = refused();
        assertTrue(e.getMessage().contains(dir.resolve("s2.bin").toString()) && e.getMessage().contains("short"),
                e.getMessage());
    }

    @Test
    void refusesShapesThatDisagreeWithTheShards() throws IOException {
        write(modelJson("float32", "", TWO), 4, 10);
        RestoraException e = refused();
        assertTrue(e.getMessage().contains("s2.bin") && e.getMessage().contains("disagree"), e.getMessage());
    }

    @Test
    void refusesPathsLeavingTheFolder() throws IOException {
        Path model = Files.createDirectory(dir.resolve("model"));
        Files.write(dir.resolve("outside.bin"), floats(0, 9));
        for (String bad : List.of("[\"../outside.bin\"]", "[\"" + dir.resolve("outside.bin") + "\"]",
                "[\"sub/../../outside.bin\"]")) {
            Files.writeString(model.resolve("model.json"), modelJson("float32", "", bad));
            RestoraException e = assertThrows(RestoraException.class,
                    () -> TfjsModelReader.read(ModelFiles.folder(model)));
            assertTrue(e.getMessage().contains("refused") && e.getMessage().contains("outside.bin"), e.getMessage());
        }
    }

    @Test
    void refusesSymbolicLinks() throws IOException {
        Path model = Files.createDirectory(dir.resolve("model"));
        Files.write(dir.resolve("outside.bin"), floats(0, 9));
        Files.createSymbolicLink(model.resolve("s.bin"), dir.resolve("outside.bin"));
        Files.writeString(model.resolve("model.json"), modelJson("float32", "", "[\"s.bin\"]"));
        RestoraException e = assertThrows(RestoraException.class, () -> TfjsModelReader.read(ModelFiles.folder(model)));
        assertTrue(e.getMessage().contains(model.resolve("s.bin").toString()) && e.getMessage().contains("symbolic"),
                e.getMessage());
    }

    @Test
    void refusesMalformedJsonByName() throws IOException {
        write(modelJson("float32", "", TWO).replace("[[\"in\", 0, 0, {}]]", "[[\"in\", \"x\", 0, {}]]"), 4, 9);
        RestoraException e = refused();
        assertTrue(e.getMessage().contains(dir.resolve("model.json").toString())
                && e.getMessage().contains("malformed"), e.getMessage());
    }

    @Test
    void refusesAnUnknownInboundLayer() throws IOException {
        write(modelJson("float32", "", TWO).replace("[[\"in\", 0, 0, {}]]", "[[\"nowhere\", 0, 0, {}]]"), 4, 9);
        RestoraException e = refused();
        assertTrue(e.getMessage().contains("nowhere"), e.getMessage());
    }
}
