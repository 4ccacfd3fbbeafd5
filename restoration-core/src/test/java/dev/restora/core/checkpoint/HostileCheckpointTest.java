package dev.restora.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Hostile and broken files, built byte by byte: each is refused with a CheckpointException naming the file and
 * the problem, by {@link Checkpoint#read} and {@link Checkpoint#inspect} alike, and nothing in them ran (the
 * shell commands would have created a marker file).
 */
class HostileCheckpointTest {
    @TempDir
    Path dir;
    private Path marker;
    private NDManager manager;

    @BeforeEach
    void setUp() {
        marker = dir.resolve("pwned");
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
        assertFalse(Files.exists(marker), "a command from the checkpoint ran");
    }

    private String command() {
        return "touch " + marker;
    }

    /** Both entry points refuse the file; the message names it and contains every {@code expected} part. */
    private CheckpointException refused(Path file, String... expected) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.read(file, manager));
        CheckpointException e2 = assertThrows(CheckpointException.class, () -> Checkpoint.inspect(file));
        for (CheckpointException x : new CheckpointException[] {e, e2}) {
            assertTrue(x.getMessage().contains(file.toString()), x.getMessage());
            for (String part : expected) {
                assertTrue(x.getMessage().contains(part), "'" + part + "' not in: " + x.getMessage());
            }
        }
        return e;
    }

    private Path zip(String name, byte[] pickle) throws IOException {
        return TorchZipWriter.withTensor(pickle).write(dir.resolve(name));
    }

    @Test
    void controlFileLoads() throws IOException {
        Path file = zip("ok.pth", PickleWriter.protocol(2).dictWithTensor().endDict().bytes());
        assertArrayEquals(new float[] {1, 2, 3, 4}, Checkpoint.read(file, manager).tensors().get("w").toFloatArray());
    }

    @ParameterizedTest
    @CsvSource({"os,system", "posix,system", "nt,system", "builtins,eval", "__builtin__,eval", "builtins,exec",
        "__builtin__,exec", "builtins,__import__", "builtins,getattr", "subprocess,check_output", "pty,spawn",
        "torch.storage,_load_from_bytes", "torch,load", "numpy.testing._private.utils,runstring"})
    void reduceOfDisallowedGlobalIsRefused(String module, String name) throws IOException {
        byte[] p = PickleWriter.protocol(2).dictWithTensor().str("x")
                .global(module, name).mark().str(command()).tuple().reduce().endDict().bytes();
        refused(zip("reduce.pth", p), "refuses to call " + module + "." + name);
    }

    @Test
    void stackGlobalIsRestrictedToo() throws IOException {
        byte[] p = PickleWriter.protocol(4).dictWithTensor().str("x")
                .str("os").str("system").op(0x93).mark().str(command()).tuple().reduce().endDict().bytes();
        refused(zip("stack_global.pth", p), "refuses to call os.system");
    }

    @Test
    void instOfDisallowedClassIsRefused() throws IOException {
        // write INST with its two text lines
        PickleWriter w = PickleWriter.protocol(2).dictWithTensor().str("x").mark().str(command()).op('i');
        for (byte b : "os\nsystem\n".getBytes(StandardCharsets.US_ASCII)) {
            w.raw(b);
        }
        byte[] p = w.endDict().bytes();
        refused(zip("inst.pth", p), "refuses to call os.system", "INST");
        assertTrue(p.length > 0);
    }

    @Test
    void objOfDisallowedClassIsRefused() throws IOException {
        byte[] p = PickleWriter.protocol(2).dictWithTensor().str("x").mark().global("os", "system").str(command())
                .op('o').endDict().bytes();
        refused(zip("obj.pth", p), "refuses to call os.system", "OBJ");
    }

    @Test
    void newobjOfDisallowedClassIsRefused() throws IOException {
        byte[] p = PickleWriter.protocol(2).dictWithTensor().str("x").global("subprocess", "Popen")
                .mark().str(command()).tuple().op(0x81).endDict().bytes();
        refused(zip("newobj.pth", p), "refuses to call subprocess.Popen", "NEWOBJ");
    }

    @Test
    void newobjExOfDisallowedClassIsRefused() throws IOException {
        byte[] p = PickleWriter.protocol(4).dictWithTensor().str("x").global("subprocess", "Popen")
                .mark().str(command()).tuple().emptyDict().op(0x92).endDict().bytes();
        refused(zip("newobj_ex.pth", p), "refuses to call subprocess.Popen");
    }

    @Test
    void buildOnAClassIsRefused() throws IOException {
        byte[] p = PickleWriter.protocol(2).dictWithTensor().str("x").global("os", "system")
                .emptyDict().str("__setstate__").str(command()).op('s').op('b').endDict().bytes();
        refused(zip("build.pth", p), "refuses to set the state of os.system");
    }

    @Test
    void callingAnInertObjectIsRefused() throws IOException {
        byte[] p = PickleWriter.protocol(2).dictWithTensor().str("x").global("argparse", "Namespace")
                .emptyTuple().op(0x81).mark().str(command()).tuple().reduce().endDict().bytes();
        refused(zip("call_instance.pth", p), "refuses to call argparse.Namespace object");
    }

    @Test
    void tensorRebuildCannotSmuggleACall() throws IOException {
        byte[] p = PickleWriter.protocol(2).dictWithTensor().str("x").global("torch._tensor", "_rebuild_from_type_v2")
                .mark().global("os", "system").global("torch", "Tensor").mark().str(command()).tuple().emptyDict()
                .tuple().reduce().endDict().bytes();
        refused(zip("rebuild_from_type.pth", p), "refuses to call os.system");
    }

    @Test
    void copyregReconstructorOfDisallowedClassIsRefused() throws IOException {
        byte[] p = PickleWriter.protocol(2).dictWithTensor().str("x").global("copy_reg", "_reconstructor")
                .mark().global("subprocess", "Popen").global("__builtin__", "object").op('N').tuple().reduce()
                .endDict().bytes();
        refused(zip("reconstructor.pth", p), "refuses to call subprocess.Popen");
    }

    @Test
    void extensionRegistryIsRefused() throws IOException {
        byte[] p = PickleWriter.protocol(2).dictWithTensor().str("x").op(0x82).raw(1).endDict().bytes();
        refused(zip("ext.pth", p), "extension registry");
    }

    @Test
    void storageClaimingMoreBytesThanItsEntryIsRefusedBeforeAllocating() throws IOException {
        byte[] p = PickleWriter.protocol(2).emptyDict().mark().str("w")
                .tensor("0", 250_000_000_000L, 0, new long[] {250_000_000_000L}, new long[] {1}).endDict().bytes();
        refused(zip("huge_storage.pth", p), "storage '0' claims 250000000000", "holds 16 bytes");
    }

    @Test
    void viewOutsideItsStorageIsRefused() throws IOException {
        byte[] p = PickleWriter.protocol(2).emptyDict().mark().str("w")
                .tensor("0", 4, 2, new long[] {3, 3}, new long[] {1, 3}).endDict().bytes();
        refused(zip("view.pth", p), "reaches element", "holds 4");
    }

    @Test
    void hugeTensorIsRefused() throws IOException {
        byte[] p = PickleWriter.protocol(2).emptyDict().mark().str("w")
                .tensor("0", 4, 0, new long[] {1L << 31, 2}, new long[] {0, 0}).endDict().bytes();
        refused(zip("huge_view.pth", p), "larger than supported");
        byte[] overflow = PickleWriter.protocol(2).emptyDict().mark().str("w")
                .tensor("0", 4, 0, new long[] {1L << 40, 1L << 40}, new long[] {0, 0}).endDict().bytes();
        refused(zip("overflow.pth", overflow), "overflows");
    }

    @Test
    void storageKeyCannotEscapeTheArchive() throws IOException {
        byte[] p = PickleWriter.protocol(2).emptyDict().mark().str("w")
                .tensor("../../etc/passwd", 4, 0, new long[] {4}, new long[] {1}).endDict().bytes();
        refused(zip("key.pth", p), "unsafe storage key");
    }

    @Test
    void missingStorageIsNamed() throws IOException {
        byte[] p = PickleWriter.protocol(2).emptyDict().mark().str("w")
                .tensor("7", 4, 0, new long[] {4}, new long[] {1}).endDict().bytes();
        refused(zip("missing.pth", p), "storage '7' is missing");
    }

    @Test
    void lyingStringLengthIsRefusedWithoutAllocating() throws IOException {
        byte[] p = PickleWriter.protocol(2).dictWithTensor().op('X').le32(0x7fffffffL).bytes();
        refused(zip("string.pth", p), "declares a 2147483647-byte item");
        byte[] bytes8 = PickleWriter.protocol(4).dictWithTensor().op(0x8e).le32(0xffffffffL).le32(0x7fffffffL).bytes();
        refused(zip("bytes8.pth", bytes8), "-byte item");
    }

    @Test
    void hugeTextNumberIsRefusedWithoutParsing() throws IOException {
        PickleWriter w = PickleWriter.protocol(2).dictWithTensor().str("x").op('L');
        for (int i = 0; i < 2_000_000; i++) {
            w.raw('9');
        }
        refused(zip("long.pth", w.raw('L', '\n').op('s').endDict().bytes()), "2000001-character number");
    }

    @Test
    void unsupportedTensorKindsAreNamed() throws IOException {
        byte[] p = PickleWriter.protocol(2).dictWithTensor().str("q").global("torch._utils", "_rebuild_qtensor")
                .mark().integer(1).tuple().reduce().endDict().bytes();
        refused(zip("qtensor.pth", p), "refuses to call torch._utils._rebuild_qtensor", "not supported");
    }

    @Test
    void wholePickledModelIsExplained() throws IOException {
        byte[] p = PickleWriter.protocol(2).global("models.unet", "UNetModelSwin").emptyTuple().op(0x81)
                .emptyDict().op('b').stop().bytes();
        refused(zip("model.pth", p), "refuses to call models.unet.UNetModelSwin", "whole pickled model");
    }

    @Test
    void untypedStorageIsReadAsTheV3Dtype() throws IOException {
        byte[] p = PickleWriter.protocol(2).emptyDict().mark().str("w")
                .global("torch._utils", "_rebuild_tensor_v3").mark()
                .mark().str("storage").global("torch", "UntypedStorage").str("0").str("cpu").integer(16).tuple().op('Q')
                .integer(1).mark().integer(3).tuple().mark().integer(1).tuple().op(0x89)
                .global("collections", "OrderedDict").emptyTuple().reduce().global("torch", "float32").tuple().reduce()
                .str("d").global("collections", "defaultdict").mark().global("builtins", "list").tuple().reduce()
                .endDict().bytes();
        Checkpoint c = Checkpoint.read(zip("v3.pth", p), manager);
        assertArrayEquals(new float[] {2, 3, 4}, c.tensors().get("w").toFloatArray());
        assertTrue(((java.util.Map<?, ?>) ((java.util.Map<?, ?>) c.root()).get("d")).isEmpty());
    }

    @Test
    void deepListNestingIsRefused() throws IOException {
        PickleWriter w = PickleWriter.protocol(2).dictWithTensor().str("hyper_parameters").emptyDict().str("deep");
        int depth = 100_000;
        for (int i = 0; i < depth; i++) {
            w.emptyList();
        }
        for (int i = 0; i < depth - 1; i++) {
            w.op('a');
        }
        w.op('s');
        refused(zip("deep_list.ckpt", w.endDict().bytes()), "nested");
    }

    @Test
    void deepTupleNestingInRootIsRefusedByRoot() throws IOException {
        PickleWriter w = PickleWriter.protocol(2).dictWithTensor().str("loops");
        int depth = 100_000;
        for (int i = 0; i < depth; i++) {
            w.mark();
        }
        for (int i = 0; i < depth; i++) {
            w.tuple();
        }
        Path file = zip("deep_tuple.ckpt", w.endDict().bytes());
        Checkpoint c = Checkpoint.read(file, manager); // the state dict is fine
        CheckpointException e = assertThrows(CheckpointException.class, c::root);
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("nested"), e.getMessage());
    }

    /** Frozensets are never hashed by value, so a deep chain neither recurses nor takes quadratic time. */
    @Test
    void deepFrozensetNestingIsHarmless() throws IOException {
        PickleWriter w = PickleWriter.protocol(4).dictWithTensor().str("hyper_parameters").emptyDict().str("x");
        int depth = 200_000;
        for (int i = 0; i < depth; i++) {
            w.mark();
        }
        for (int i = 0; i < depth; i++) {
            w.op(0x91);
        }
        w.op('s');
        Path file = zip("deep_set.ckpt", w.endDict().bytes());
        Object x = Checkpoint.read(file, manager).hyperParameters().get("x");
        assertTrue(x instanceof java.util.Set && ((java.util.Set<?>) x).size() == 1, String.valueOf(x));
        assertTrue(Checkpoint.inspect(file).hyperParameters().containsKey("x"));
    }

    @Test
    void unhashableKeyIsRefused() throws IOException {
        byte[] p = PickleWriter.protocol(2).dictWithTensor().emptyList().str("v").endDict().bytes();
        refused(zip("unhashable.pth", p), "unhashable");
    }

    @Test
    void zipBombPickleIsRefusedWithoutInflating() throws IOException {
        byte[] pickle = new byte[100 << 20]; // 100 MB of zeros deflate to ~100 KB
        Path file = TorchZipWriter.of(new byte[0]).deflatedEntry("archive/data.pkl", pickle).write(dir.resolve("bomb.pth"));
        refused(file, "data.pkl is 104857600 bytes");
    }

    @Test
    void declaredSizeBeyondDeflateRatioIsRefused() throws IOException {
        Path file = TorchZipWriter.withTensor(PickleWriter.protocol(2).dictWithTensor().endDict().bytes())
                .deflatedEntry("archive/extra", new byte[1000]).write(dir.resolve("ratio.pth"));
        TorchZipWriter.patchCentralSizes(file, "archive/extra", -1, 0x7fffffffL);
        refused(file, "zip bomb");
    }

    @Test
    void entryLargerThanDeclaredIsRefused() throws IOException {
        byte[] pickle = PickleWriter.protocol(2).dictWithTensor().endDict().bytes();
        Path file = TorchZipWriter.withTensor(pickle).deflatedEntry("archive/data.pkl", pickle).write(dir.resolve("lie.pth"));
        TorchZipWriter.patchCentralSizes(file, "archive/data.pkl", -1, 10);
        refused(file, "data.pkl");
    }

    @Test
    void storedEntryWithInconsistentSizesIsRefused() throws IOException {
        Path file = zip("stored.pth", PickleWriter.protocol(2).dictWithTensor().endDict().bytes());
        TorchZipWriter.patchCentralSizes(file, "archive/data/0", -1, 1 << 30);
        refused(file, "archive/data/0");
    }

    @Test
    void dotDotEntriesAreRefused() throws IOException {
        for (String bad : new String[] {"archive/../../evil.sh", "../evil", "/etc/cron.d/x", "archive\\..\\x"}) {
            Path file = TorchZipWriter.withTensor(PickleWriter.protocol(2).dictWithTensor().endDict().bytes())
                    .entry(bad, new byte[] {1}).write(dir.resolve("dotdot.pth"));
            refused(file, "unsafe archive entry name");
        }
    }

    @Test
    void truncatedArchivesAreRefused() throws IOException {
        byte[] whole = Files.readAllBytes(CheckpointFormatsTest.resource("dtypes.pt"));
        for (int length : new int[] {4, 100, whole.length / 2, whole.length - 10}) {
            Path file = dir.resolve("truncated_" + length + ".pt");
            Files.write(file, Arrays.copyOf(whole, length));
            refused(file);
        }
    }

    @Test
    void corruptPickleIsRefused() throws IOException {
        byte[] p = PickleWriter.protocol(2).dictWithTensor().endDict().bytes();
        byte[] broken = Arrays.copyOf(p, p.length);
        for (int i = 10; i < broken.length; i += 7) {
            broken[i] = (byte) 0xa7;
        }
        refused(zip("corrupt.pth", broken));
        refused(zip("cut.pth", Arrays.copyOf(p, p.length / 2)));
    }

    @Test
    void otherFilesAreRefusedClearly() throws IOException {
        refused(Files.write(dir.resolve("empty.pth"), new byte[0]), "is empty");
        refused(Files.write(dir.resolve("text.pth"), "hello world, not a checkpoint".getBytes()), "neither");
        refused(Files.write(dir.resolve("legacy.pth"), new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc}),
                "legacy");
        refused(Files.write(dir.resolve("pickle.pkl"), PickleWriter.protocol(2).emptyDict().stop().bytes()), "bare Python pickle");
        refused(dir.resolve("absent.pth"), "no such");
        Path notDict = zip("list.pth", PickleWriter.protocol(2).emptyList().stop().bytes());
        refused(notDict, "not a state dict");
        Path noTensors = zip("notensors.pth", PickleWriter.protocol(2).emptyDict().str("a").integer(1).op('s').stop().bytes());
        refused(noTensors, "holds no tensors");
        Path script = TorchZipWriter.withTensor(PickleWriter.protocol(2).dictWithTensor().endDict().bytes())
                .entry("archive/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'})
                .entry("archive/code/__torch__.py", "def forward(self): pass".getBytes()).write(dir.resolve("ts.pt"));
        refused(script, "TorchScript");
    }

    // ---- safetensors

    private Path safetensors(String name, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return Files.write(dir.resolve(name), b.array());
    }

    @Test
    void safetensorsHeaderLiesAreRefused() throws IOException {
        Path ok = safetensors("ok.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
        assertArrayEquals(new long[] {2}, Checkpoint.read(ok, manager).tensors().get("a").getShape().getShape());

        refused(safetensors("beyond.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,800]}}", 8),
                "outside");
        refused(safetensors("size.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8),
                "needs 12 bytes");
        refused(safetensors("overlap.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "overlapping");
        refused(safetensors("dtype.safetensors", "{\"a\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8),
                "unsupported");
        refused(safetensors("negative.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8),
                "negative");
        refused(safetensors("json.safetensors", "{\"a\": [1, 2", 8), "not valid JSON");
        refused(safetensors("deep.safetensors", "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}", 0), "nested");
        refused(safetensors("malformed.safetensors", "{\"a\":{\"dtype\":\"F32\"}}", 0), "malformed");
        byte[] lying = new byte[64];
        ByteBuffer.wrap(lying).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).put((byte) '{');
        refused(Files.write(dir.resolve("header.safetensors"), lying), "header claims");
    }
}
