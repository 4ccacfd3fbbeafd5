package dev.restora.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hand-made checkpoints written by torch 1.13 ({@code src/test/resources/checkpoint/make_fixtures.py}): every
 * dtype, views and shared storages, the torch >= 2.1 layout, a big-endian file, Lightning and wrapped state dicts,
 * safetensors, and the formats that must be refused (legacy, TorchScript).
 */
class CheckpointFormatsTest {
    static final List<String> DTYPES_KEYS = List.of("f32", "f16", "bf16", "f64", "i64", "i32", "u8", "bool", "scalar",
            "empty", "param", "shared_whole", "shared_transposed", "shared_offset_rows", "shared_strided", "expanded");

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    static Path resource(String name) {
        try {
            return Path.of(CheckpointFormatsTest.class.getResource("/checkpoint/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, NDArray> expected() throws IOException {
        try (InputStream in = Files.newInputStream(resource("dtypes_expected.npz"))) {
            NDList list = NDList.decode(manager, in);
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (NDArray a : list) {
                out.put(a.getName(), a);
            }
            return out;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dtypes.pt", "dtypes_protocol4.pt", "torch2_layout.pt", "bigendian.pt"})
    void everyDtypeAndViewMatchesTorch(String file) throws IOException {
        Checkpoint c = Checkpoint.read(resource(file), manager);
        assertEquals(DTYPES_KEYS, List.copyOf(c.tensors().keySet()), "pickle order");
        Map<String, NDArray> expected = expected();
        for (String k : DTYPES_KEYS) {
            NDArray mine = c.tensors().get(k);
            NDArray ref = expected.get(k);
            assertEquals(ref.getShape(), mine.getShape(), k);
            assertEquals(ref.getDataType(), mine.getDataType(), k);
            if (mine.getDataType() == DataType.FLOAT32) {
                assertArrayEquals(ref.toFloatArray(), mine.toFloatArray(), 0f, k);
            } else {
                assertArrayEquals(ref.toByteArray(), mine.toByteArray(), k);
            }
        }
        assertEquals(DataType.FLOAT32, c.tensors().get("bf16").getDataType());
        assertEquals(DataType.INT64, c.tensors().get("i64").getDataType());
        assertEquals(DataType.BOOLEAN, c.tensors().get("bool").getDataType());
        assertEquals(new Shape(6, 4), c.tensors().get("shared_transposed").getShape());
        assertEquals(-1.75f, c.tensors().get("shared_transposed").getFloat(1, 0));
    }

    @Test
    void halfAndBfloatWidenExactly() {
        Checkpoint c = Checkpoint.read(resource("dtypes.pt"), manager);
        float[] f16 = c.tensors().get("f16").toFloatArray();
        assertEquals(65504f, f16[4]);
        assertEquals(5.9604645e-08f, f16[6]); // smallest subnormal
        assertEquals(Float.floatToIntBits(-0.0f), Float.floatToIntBits(f16[1]));
        assertEquals(Float.POSITIVE_INFINITY, f16[8]);
        float[] bf16 = c.tensors().get("bf16").toFloatArray();
        assertEquals(-3.140625f, bf16[2]);
        assertEquals(256f, bf16[7]); // 257 rounds to 256 in bfloat16
        assertEquals(Float.POSITIVE_INFINITY, bf16[6]);
    }

    @Test
    void viewsOfOneStorageShareMemory() {
        Checkpoint c = Checkpoint.read(resource("dtypes.pt"), manager);
        NDArray whole = c.tensors().get("shared_whole");
        NDArray rows = c.tensors().get("shared_offset_rows");
        float before = rows.getFloat(0, 0);
        whole.addi(100f); // in place on the storage: the contiguous view sees it
        assertEquals(before + 100f, rows.getFloat(0, 0));
    }

    @Test
    void inspectReportsStoredTypesWithoutReadingData() {
        CheckpointInfo info = Checkpoint.inspect(resource("dtypes.pt"));
        assertEquals(CheckpointFormat.TORCH_ZIP, info.format());
        assertEquals(DTYPES_KEYS.size(), info.tensors().size());
        TensorInfo bf16 = info.tensors().get(2);
        assertEquals("bf16", bf16.name());
        assertEquals("bfloat16", bf16.dtype());
        assertArrayEquals(new long[] {8}, bf16.shape());
        assertEquals(16, bf16.bytes());
        assertEquals("int64", info.tensors().get(4).dtype());
        long total = 0;
        for (TensorInfo t : info.tensors()) {
            total += t.numel();
        }
        assertEquals(total, info.parameterCount());
        assertFalse(info.hasEma());
        assertTrue(info.hyperParameters().isEmpty());
    }

    @Test
    void lightningCheckpoint() {
        Path file = resource("lightning.ckpt");
        Checkpoint c = Checkpoint.read(file, manager);
        assertEquals(List.of("dnn.lin.weight", "dnn.lin.bias"), List.copyOf(c.tensors().keySet()));
        List<NDArray> ema = c.emaShadowParams().orElseThrow();
        assertEquals(2, ema.size());
        assertArrayEquals(new float[] {0, 2, 4, 6, 8, 10}, ema.get(0).toFloatArray());
        assertArrayEquals(new float[] {1, -1}, ema.get(1).toFloatArray());

        StateDict averaged = c.emaStateDict().orElseThrow();
        assertArrayEquals(new float[] {1, -1}, averaged.get("dnn.lin.bias").toFloatArray());
        assertEquals("lightning.ckpt (EMA)", averaged.source());
        CheckpointException mismatch = assertThrows(CheckpointException.class,
                () -> c.emaStateDict(k -> k.endsWith("weight")));
        assertTrue(mismatch.getMessage().contains("shadow_params has 2 tensors"), mismatch.getMessage());

        Map<String, Object> hp = c.hyperParameters();
        assertEquals("ncsnpp", hp.get("backbone"));
        assertEquals(8L, hp.get("nf"));
        assertEquals(1e-4, hp.get("lr"));
        assertEquals(Boolean.TRUE, hp.get("centered"));
        assertTrue(hp.containsKey("sigma"));
        assertNull(hp.get("sigma"));
        assertEquals(List.of(1L, 2L, 2L), hp.get("ch_mult"));
        assertEquals(List.of(16L), hp.get("attn"));
        assertEquals(Map.of("a", Map.of("b", List.of(1L, 2.5, "c"))), hp.get("nested"));
        assertEquals(BigInteger.TWO.pow(70), hp.get("big"));
        assertArrayEquals(new byte[] {0, (byte) 0xff}, (byte[]) hp.get("blob"));
        PythonObjectPlaceholder cls = assertInstanceOf(PythonObjectPlaceholder.class, hp.get("data_module_cls"));
        assertEquals("mypkg.data.SpecsDataModule", cls.toString());
        assertFalse(cls.isInstance());
        PythonObjectPlaceholder args = assertInstanceOf(PythonObjectPlaceholder.class, hp.get("args"));
        assertEquals("argparse.Namespace", args.qualifiedName());
        assertTrue(args.isInstance());
        assertEquals(1L, args.state().get("gpus"));
        assertEquals("run", args.state().get("name"));

        Map<?, ?> root = assertInstanceOf(Map.class, c.root());
        assertEquals(3L, root.get("epoch"));
        assertEquals("1.6.5", root.get("pytorch-lightning_version"));
        Map<?, ?> stateDict = (Map<?, ?>) root.get("state_dict");
        assertSame(c.tensors().get("dnn.lin.weight"), stateDict.get("dnn.lin.weight"));
        Map<?, ?> opt = (Map<?, ?>) ((List<?>) root.get("optimizer_states")).get(0);
        NDArray expAvg = (NDArray) ((Map<?, ?>) ((Map<?, ?>) opt.get("state")).get(0L)).get("exp_avg");
        assertArrayEquals(new float[] {0.125f, 0.125f, 0.125f, 0.125f, 0.125f, 0.125f}, expAvg.toFloatArray());

        Map<?, ?> callback = (Map<?, ?>) ((Map<?, ?>) root.get("callbacks")).get("ModelCheckpoint");
        assertEquals(0.25, callback.get("best_model_score"));
        assertEquals(-7L, callback.get("epochs"));
        assertEquals(Boolean.TRUE, callback.get("flag"));
        PythonObjectPlaceholder curve = assertInstanceOf(PythonObjectPlaceholder.class, callback.get("curve"));
        assertEquals("numpy.ndarray object", curve.toString());
        assertEquals(Map.of("(1, 'a')", "tuple key"), callback.get("keyed"));

        CheckpointInfo info = Checkpoint.inspect(file);
        assertTrue(info.hasEma());
        assertEquals(2, info.emaTensorCount());
        assertEquals(8, info.parameterCount());
        assertEquals("mypkg.data.SpecsDataModule", String.valueOf(info.hyperParameters().get("data_module_cls")));
        assertEquals("lightning.ckpt", c.stateDict().source());
    }

    @Test
    void wrapperAndPrefixesAreRemoved() {
        Checkpoint c = Checkpoint.read(resource("wrapped.pth"), manager);
        assertEquals(List.of("conv.weight", "conv.bias"), c.stateDict().keys());
        assertEquals(new Shape(2, 1, 1, 1), c.stateDict().get("conv.weight", 2, 1, 1, 1).getShape());
        assertEquals(5L, ((Map<?, ?>) c.root()).get("iters_start"));
        assertTrue(c.emaShadowParams().isEmpty());
    }

    @Test
    void safetensors() {
        Path file = resource("tensors.safetensors");
        Checkpoint c = Checkpoint.read(file, manager);
        assertEquals(CheckpointFormat.SAFETENSORS, c.format());
        assertEquals(List.of("a.f32", "b.f16", "c.bf16", "d.i64", "e.bool", "f.u8"), List.copyOf(c.tensors().keySet()));
        Checkpoint torch = Checkpoint.read(resource("dtypes.pt"), manager);
        String[][] pairs = {{"a.f32", "f32"}, {"b.f16", "f16"}, {"c.bf16", "bf16"}, {"d.i64", "i64"}, {"e.bool", "bool"},
                {"f.u8", "u8"}};
        for (String[] p : pairs) {
            NDArray a = c.tensors().get(p[0]);
            NDArray b = torch.tensors().get(p[1]);
            assertEquals(b.getDataType(), a.getDataType(), p[0]);
            assertEquals(b.getShape(), a.getShape(), p[0]);
            assertArrayEquals(b.toByteArray(), a.toByteArray(), p[0]);
        }
        assertEquals(Map.of("format", "pt", "note", "restora test"), c.hyperParameters());
        CheckpointInfo info = Checkpoint.inspect(file);
        assertEquals("bfloat16", info.tensors().get(2).dtype());
        assertEquals("float16", info.tensors().get(1).dtype());
    }

    @Test
    void cudaStoragesLoadOnTheCpu(@TempDir Path dir) throws IOException {
        byte[] p = PickleWriter.protocol(2).emptyDict().mark().str("h")
                .global("torch._utils", "_rebuild_tensor_v2").mark()
                .mark().str("storage").global("torch.cuda", "HalfStorage").str("0").str("cuda:0").integer(2).tuple().op('Q')
                .integer(0).mark().integer(2).tuple().mark().integer(1).tuple().op(0x89)
                .global("collections", "OrderedDict").emptyTuple().reduce().tuple().reduce().setitems().stop().bytes();
        Path file = TorchZipWriter.of(p).entry("archive/data/0", new byte[] {0, 0x3c, 0, (byte) 0xc0}) // 1.0, -2.0
                .write(dir.resolve("cuda.pth"));
        NDArray h = Checkpoint.read(file, manager).tensors().get("h");
        assertEquals(DataType.FLOAT32, h.getDataType());
        assertArrayEquals(new float[] {1f, -2f}, h.toFloatArray());
        assertEquals("float16", Checkpoint.inspect(file).tensors().get(0).dtype());
    }

    @Test
    void namespaceHyperParametersReadAsAMap(@TempDir Path dir) throws IOException {
        byte[] p = PickleWriter.protocol(2).dictWithTensor().str("hyper_parameters")
                .global("argparse", "Namespace").emptyTuple().op(0x81)
                .emptyDict().mark().str("nf").integer(8).str("backbone").str("ncsnpp").setitems().op('b')
                .endDict().bytes();
        Path file = TorchZipWriter.withTensor(p).write(dir.resolve("namespace.ckpt"));
        assertEquals(Map.of("nf", 8L, "backbone", "ncsnpp"), Checkpoint.read(file, manager).hyperParameters());
        assertEquals(List.of("nf", "backbone"), List.copyOf(Checkpoint.inspect(file).hyperParameters().keySet()));
    }

    @Test
    void legacyFormatIsRefusedClearly() {
        Path file = resource("legacy.pt");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.read(file, manager));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("legacy"), e.getMessage());
    }

    @Test
    void torchScriptIsRefusedClearly() {
        Path file = resource("scripted.pt");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.inspect(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("TorchScript"), e.getMessage());
    }
}
