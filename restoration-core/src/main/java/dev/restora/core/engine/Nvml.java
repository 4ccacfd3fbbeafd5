package dev.restora.core.engine;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NVIDIA's management library (NVML), which ships with the driver, read through JNA: GPU names, memory, compute
 * capability, the driver's version and the newest CUDA version it supports. Unlike DJL's GPU count (which needs a
 * system CUDA runtime, absent on driver-only machines), NVML answers wherever an NVIDIA driver is installed, and
 * before any GPU runtime is. Every call is safe on machines without it: the answer then says why.
 */
public final class Nvml {
    private static final Logger LOG = LoggerFactory.getLogger(Nvml.class);
    private static final int SUCCESS = 0;

    /** One GPU as NVML reports it. */
    public record Gpu(int index, String name, long memoryTotal, long memoryFree, int ccMajor, int ccMinor) {
        /** The compute capability as text, e.g. {@code 8.9}. */
        public String computeCapability() {
            return ccMajor + "." + ccMinor;
        }
    }

    /**
     * What NVML said.
     *
     * @param unavailable       why NVML could not be read (no driver, ...), or null when it could
     * @param driverVersion     e.g. {@code 570.86.10}, or null
     * @param cudaDriverVersion NVML's integer form (1000 * major + 10 * minor, e.g. 12080), or 0
     */
    public record Snapshot(String unavailable, String driverVersion, int cudaDriverVersion, List<Gpu> gpus) {
        public boolean available() {
            return unavailable == null;
        }

        /** The CUDA version the driver supports, e.g. {@code 12.8}, or null. */
        public String cudaVersion() {
            return cudaDriverVersion <= 0 ? null : formatCuda(cudaDriverVersion);
        }
    }

    /** NVML's entry points (nvml.h); only what Restora reads. */
    interface Api extends Library {
        int nvmlInit_v2();

        int nvmlShutdown();

        Pointer nvmlErrorString(int result);

        int nvmlSystemGetDriverVersion(byte[] version, int length);

        int nvmlSystemGetCudaDriverVersion_v2(IntByReference version);

        int nvmlDeviceGetCount_v2(IntByReference count);

        int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

        int nvmlDeviceGetName(Pointer device, byte[] name, int length);

        /** {@code nvmlMemory_t}: total, free, used (unsigned long long each). */
        int nvmlDeviceGetMemoryInfo(Pointer device, long[] memory);

        int nvmlDeviceGetCudaComputeCapability(Pointer device, IntByReference major, IntByReference minor);
    }

    private static volatile Object api; // an Api, or the String saying why there is none

    private Nvml() {
    }

    /** Every GPU with its memory now, the driver and CUDA versions; never throws. */
    public static synchronized Snapshot read() {
        Object a = load();
        if (a instanceof String why) {
            return new Snapshot(why, null, 0, List.of());
        }
        return read((Api) a);
    }

    /** The free memory of GPU {@code index} now, in bytes (empty without NVML or that GPU). */
    public static OptionalLong freeMemory(int index) {
        for (Gpu g : read().gpus()) {
            if (g.index() == index) {
                return OptionalLong.of(g.memoryFree());
            }
        }
        return OptionalLong.empty();
    }

    static Snapshot read(Api nvml) {
        int rc = nvml.nvmlInit_v2();
        if (rc != SUCCESS) {
            return new Snapshot("the NVIDIA driver did not start NVML (" + error(nvml, rc) + ")", null, 0, List.of());
        }
        try {
            byte[] buf = new byte[96];
            String driver = nvml.nvmlSystemGetDriverVersion(buf, buf.length) == SUCCESS ? cString(buf) : null;
            IntByReference cuda = new IntByReference();
            int cudaVersion = nvml.nvmlSystemGetCudaDriverVersion_v2(cuda) == SUCCESS ? cuda.getValue() : 0;
            IntByReference count = new IntByReference();
            rc = nvml.nvmlDeviceGetCount_v2(count);
            if (rc != SUCCESS) {
                return new Snapshot("NVML cannot count the GPUs (" + error(nvml, rc) + ")", driver, cudaVersion,
                        List.of());
            }
            List<Gpu> gpus = new ArrayList<>();
            for (int i = 0; i < count.getValue(); i++) {
                PointerByReference handle = new PointerByReference();
                if (nvml.nvmlDeviceGetHandleByIndex_v2(i, handle) != SUCCESS) {
                    continue; // e.g. a GPU the user may not access
                }
                Pointer d = handle.getValue();
                byte[] name = new byte[96];
                String n = nvml.nvmlDeviceGetName(d, name, name.length) == SUCCESS ? cString(name) : "GPU " + i;
                long[] mem = new long[3];
                boolean hasMem = nvml.nvmlDeviceGetMemoryInfo(d, mem) == SUCCESS;
                IntByReference major = new IntByReference();
                IntByReference minor = new IntByReference();
                boolean hasCc = nvml.nvmlDeviceGetCudaComputeCapability(d, major, minor) == SUCCESS;
                gpus.add(new Gpu(i, n, hasMem ? mem[0] : -1, hasMem ? mem[1] : -1, hasCc ? major.getValue() : 0,
                        hasCc ? minor.getValue() : 0));
            }
            return new Snapshot(null, driver, cudaVersion, List.copyOf(gpus));
        } finally {
            nvml.nvmlShutdown();
        }
    }

    /** The library names to try on this OS. */
    static List<String> libraryNames(String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("win")) {
            return List.of("nvml", "C:\\Program Files\\NVIDIA Corporation\\NVSMI\\nvml.dll");
        }
        if (os.contains("mac") || os.contains("darwin")) {
            return List.of();
        }
        // driver-only installs have libnvidia-ml.so.1 but often not the libnvidia-ml.so link
        return List.of("nvidia-ml", "libnvidia-ml.so.1");
    }

    private static Object load() {
        Object a = api;
        if (a != null) {
            return a;
        }
        List<String> names = libraryNames(System.getProperty("os.name", ""));
        if (names.isEmpty()) {
            a = "NVIDIA GPUs are not supported on macOS (use --device mps on Apple silicon)";
        } else {
            a = "no NVIDIA driver found (" + names.get(names.size() - 1) + " is not installed)";
            for (String n : names) {
                try {
                    a = Native.load(n, Api.class);
                    break;
                } catch (UnsatisfiedLinkError | RuntimeException e) {
                    LOG.debug("NVML not loaded as {}: {}", n, e.getMessage());
                }
            }
        }
        api = a;
        return a;
    }

    private static String error(Api nvml, int rc) {
        try {
            Pointer p = nvml.nvmlErrorString(rc);
            return p == null ? "error " + rc : p.getString(0, StandardCharsets.UTF_8.name());
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return "error " + rc;
        }
    }

    static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8).trim();
    }

    /** NVML's integer CUDA version as text: 12080 gives {@code 12.8}, 11040 gives {@code 11.4}. */
    public static String formatCuda(int v) {
        return (v / 1000) + "." + (v % 1000) / 10;
    }
}
