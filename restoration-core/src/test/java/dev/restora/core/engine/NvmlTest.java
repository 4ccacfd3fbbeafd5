package dev.restora.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * NVML without a GPU: this machine's answer (no driver: a reason, never an exception), and the reading of NVML's
 * buffers and codes through an {@link Nvml.Api} that answers as a two-GPU driver would.
 */
class NvmlTest {

    /** Answers like NVML 570 with an RTX 4090 and a GTX 1080 whose handle of index 2 is not accessible. */
    private static final class TwoGpuDriver implements Nvml.Api {
        int initResult;
        boolean shutDown;

        @Override
        public int nvmlInit_v2() {
            return initResult;
        }

        @Override
        public int nvmlShutdown() {
            shutDown = true;
            return 0;
        }

        @Override
        public Pointer nvmlErrorString(int result) {
            Memory m = new Memory(64);
            m.setString(0, result == 9 ? "Driver Not Loaded" : "Unknown Error", StandardCharsets.UTF_8.name());
            return m;
        }

        @Override
        public int nvmlSystemGetDriverVersion(byte[] version, int length) {
            put(version, "570.86.10");
            return 0;
        }

        @Override
        public int nvmlSystemGetCudaDriverVersion_v2(IntByReference version) {
            version.setValue(12080);
            return 0;
        }

        @Override
        public int nvmlDeviceGetCount_v2(IntByReference count) {
            count.setValue(3);
            return 0;
        }

        @Override
        public int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device) {
            if (index == 2) {
                return 4; // NVML_ERROR_NO_PERMISSION
            }
            device.setValue(new Pointer(100 + index));
            return 0;
        }

        @Override
        public int nvmlDeviceGetName(Pointer device, byte[] name, int length) {
            put(name, Pointer.nativeValue(device) == 100 ? "NVIDIA GeForce RTX 4090" : "NVIDIA GeForce GTX 1080");
            return 0;
        }

        @Override
        public int nvmlDeviceGetMemoryInfo(Pointer device, long[] memory) {
            boolean first = Pointer.nativeValue(device) == 100;
            memory[0] = first ? 25_757_220_864L : 8_589_934_592L;
            memory[1] = first ? 24_000_000_000L : 8_000_000_000L;
            memory[2] = memory[0] - memory[1];
            return 0;
        }

        @Override
        public int nvmlDeviceGetCudaComputeCapability(Pointer device, IntByReference major, IntByReference minor) {
            boolean first = Pointer.nativeValue(device) == 100;
            major.setValue(first ? 8 : 6);
            minor.setValue(first ? 9 : 1);
            return 0;
        }

        private static void put(byte[] buf, String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(b, 0, buf, 0, b.length);
            buf[b.length] = 0;
            buf[b.length + 1] = 'x'; // garbage after the terminator is not part of the text
        }
    }

    @Test
    void thisMachineAnswersWithoutThrowing() {
        Nvml.Snapshot s = Nvml.read();
        if (s.available()) {
            assertNotNull(s.driverVersion(), "a driver that answers has a version");
        } else {
            assertFalse(s.unavailable().isBlank());
            assertEquals(List.of(), s.gpus());
            assertTrue(Nvml.freeMemory(0).isEmpty());
        }
    }

    @Test
    void readsNamesMemoryCapabilityAndVersions() {
        TwoGpuDriver driver = new TwoGpuDriver();
        Nvml.Snapshot s = Nvml.read(driver);
        assertTrue(s.available());
        assertEquals("570.86.10", s.driverVersion());
        assertEquals("12.8", s.cudaVersion());
        assertEquals(2, s.gpus().size(), "the inaccessible GPU is left out");
        Nvml.Gpu g = s.gpus().get(0);
        assertEquals(new Nvml.Gpu(0, "NVIDIA GeForce RTX 4090", 25_757_220_864L, 24_000_000_000L, 8, 9), g);
        assertEquals("8.9", g.computeCapability());
        assertEquals("6.1", s.gpus().get(1).computeCapability());
        assertTrue(driver.shutDown);
    }

    @Test
    void aDriverThatDoesNotStartIsAReason() {
        TwoGpuDriver driver = new TwoGpuDriver();
        driver.initResult = 9;
        Nvml.Snapshot s = Nvml.read(driver);
        assertFalse(s.available());
        assertTrue(s.unavailable().contains("Driver Not Loaded"), s.unavailable());
        assertNull(s.cudaVersion());
    }

    @Test
    void libraryNamesAndVersionText() {
        assertEquals(List.of("nvidia-ml", "libnvidia-ml.so.1"), Nvml.libraryNames("Linux"));
        assertEquals("nvml", Nvml.libraryNames("Windows 10").get(0));
        assertEquals(List.of(), Nvml.libraryNames("Mac OS X"));
        assertEquals("12.8", Nvml.formatCuda(12080));
        assertEquals("11.4", Nvml.formatCuda(11040));
        assertEquals("13.0", Nvml.formatCuda(13000));
    }

    @Test
    void usabilityNamesTheReason() {
        Nvml.Snapshot ok = new Nvml.Snapshot(null, "570.86", 12080, List.of());
        Nvml.Gpu ada = new Nvml.Gpu(0, "RTX 4090", 1, 1, 8, 9);
        Nvml.Gpu pascal = new Nvml.Gpu(1, "GTX 1080", 1, 1, 6, 1);
        Nvml.Gpu volta = new Nvml.Gpu(2, "V100", 1, 1, 7, 0);
        Nvml.Gpu turing = new Nvml.Gpu(3, "T4", 1, 1, 7, 5);
        assertEquals(Optional.empty(), GpuUsability.problem(ada, ok, "cu128"));
        assertEquals(Optional.empty(), GpuUsability.problem(turing, ok, "cu128"));
        assertTrue(GpuUsability.problem(pascal, ok, "cu128").orElseThrow().contains("compute capability 6.1"));
        assertTrue(GpuUsability.problem(volta, ok, "cu128").orElseThrow().contains("compute capability 7.0"));
        assertTrue(GpuUsability.problem(ada, ok, "cpu").orElseThrow().contains("no GPU runtime installed"));
        Nvml.Snapshot old = new Nvml.Snapshot(null, "470.1", 11040, List.of());
        assertTrue(GpuUsability.problem(ada, old, "cu128").orElseThrow().contains("driver too old: it supports CUDA 11.4"));
        Nvml.Snapshot minor = new Nvml.Snapshot(null, "535.1", 12020, List.of());
        assertEquals(Optional.empty(), GpuUsability.problem(ada, minor, "cu128"));
        assertTrue(GpuUsability.note(minor).orElseThrow().contains("minor-version compatibility"));
        assertEquals(Optional.empty(), GpuUsability.note(ok));
    }

    @Test
    void cpuInfoKeepsTheInterestingExtensions() {
        String text = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Platinum 8480C\n"
                + "flags\t\t: fpu sse4_2 avx avx2 fma avx512f avx512_bf16 amx_tile amx_bf16 hypervisor\n"
                + "processor\t: 1\nmodel name\t: Intel(R) Xeon(R) Platinum 8480C\nflags\t\t: fpu\n";
        CpuInfo c = CpuInfo.parse(text, "amd64", 2);
        assertEquals("Intel(R) Xeon(R) Platinum 8480C", c.model());
        assertEquals(List.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512_bf16", "amx_tile", "amx_bf16"), c.isa());
        assertEquals(2, c.threads());
        CpuInfo arm = CpuInfo.parse("processor\t: 0\nFeatures\t: fp asimd evtstrm sve\n", "aarch64", 8);
        assertEquals(List.of("asimd", "sve"), arm.isa());
        assertEquals("aarch64 CPU", arm.model());
        assertEquals("amd64 CPU", CpuInfo.parse("", "amd64", 4).model());
    }
}
