package dev.restora.core.engine;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How much memory a device can still give, for sizing tiles and chunks. The built-in probe asks DJL's
 * {@link CudaUtils} for a CUDA device (which needs the CUDA runtime library on the system), the OS for the CPU
 * ({@code MemAvailable}, else the JVM's view of free physical memory), and knows nothing for Apple's MPS device (no
 * memory API); for a GPU it asks the driver through {@link Nvml} first. Another probe replaces it with {@link #use}.
 */
@FunctionalInterface
public interface DeviceMemory {
    /** What callers assume when a device's free memory is unknown: 4 GiB. */
    long UNKNOWN_FALLBACK = 4L << 30;

    /** Bytes {@code device} can still allocate, or -1 when unknown. */
    long freeBytes(Device device);

    /** {@link #freeBytes}, or {@link #UNKNOWN_FALLBACK} when unknown. */
    default long freeBytesOrDefault(Device device) {
        long b = freeBytes(device);
        return b > 0 ? b : UNKNOWN_FALLBACK;
    }

    /**
     * How many items of {@code bytesEach} (tiles, chunks) to run together along the batch axis on {@code device}: on
     * a GPU as many as {@code fraction} of its free memory less {@code reserve} holds, between 1 and {@code max};
     * 1 on the CPU (its cores are busy with one item already: a batch costs memory and gains nothing), on MPS and
     * when the free memory is unknown.
     */
    static int batchOnGpu(Device device, double bytesEach, double fraction, long reserve, int max) {
        if (device == null || !device.isGpu()) {
            return 1;
        }
        long free = current().freeBytes(device);
        if (free <= 0) {
            return 1;
        }
        double usable = Math.max(0, free * fraction - reserve);
        return (int) Math.max(1, Math.min(max, Math.floor(usable / bytesEach)));
    }

    /** The probe in use (the built-in one unless {@link #use} set another). */
    static DeviceMemory current() {
        return DeviceMemoryHolder.current;
    }

    /** Makes {@code probe} the one {@link #current()} returns (the app calls this once at start-up). */
    static void use(DeviceMemory probe) {
        DeviceMemoryHolder.current = Objects.requireNonNull(probe, "probe");
    }

    /** The built-in probe. */
    DeviceMemory BUILT_IN = device -> {
        if (device == null || DeviceChoice.isCpu(device)) {
            return DeviceMemoryHolder.hostAvailable();
        }
        if (device.isGpu()) {
            // NVML ships with the driver; DJL's CudaUtils needs the CUDA runtime library, often absent. NVML numbers
            // GPUs in PCI bus order, which is CUDA's order too when CUDA_DEVICE_ORDER=PCI_BUS_ID.
            java.util.OptionalLong viaDriver = Nvml.freeMemory(device.getDeviceId());
            if (viaDriver.isPresent()) {
                return viaDriver.getAsLong();
            }
            try {
                MemoryUsage mu = CudaUtils.getGpuMemory(device);
                return mu.getMax() > 0 ? Math.max(0, mu.getMax() - mu.getCommitted()) : -1;
            } catch (RuntimeException | LinkageError e) {
                DeviceMemoryHolder.LOG.debug("no memory figure for {}", device, e);
                return -1;
            }
        }
        return -1;
    };

}

/** The probe in use (an interface cannot hold mutable static state) and the host's free memory. */
final class DeviceMemoryHolder {
    static final Logger LOG = LoggerFactory.getLogger(DeviceMemory.class);
    static volatile DeviceMemory current = DeviceMemory.BUILT_IN;

    private DeviceMemoryHolder() {
    }

    static long hostAvailable() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getFreeMemorySize();
        }
        return -1;
    }
}
