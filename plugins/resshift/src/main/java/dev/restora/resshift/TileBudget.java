package dev.restora.resshift;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Chooses the tile side (LQ pixels) from the memory available on the device. The peak of a tile is the VQ
 * decoder at output resolution: about 6 live float32 maps of {@code ch} channels (128 for f4) per output pixel,
 * i.e. ~3 KB per output pixel for f4, plus the mid attention (chunked, bounded) and the weights.
 */
final class TileBudget {
    static final long RESERVE = 1L << 30;

    private TileBudget() {
    }

    static int autoTile(ResShiftVariant v, Device device) {
        long avail = available(device);
        double perOutPixel = 6.0 * 4 * v.vq().ch();
        double usable = Math.max(0, avail * 0.5 - RESERVE);
        double lqSide = Math.sqrt(usable / perOutPixel) / v.scale();
        return clampTile(v, (int) lqSide);
    }

    /** Rounds down to a multiple of the padding offset, within [offset, max side]. */
    static int clampTile(ResShiftVariant v, int side) {
        int off = v.paddingOffset();
        int max = Math.max(off, v.scale() > 1 ? 1024 : 2048);
        int t = Math.min(max, side) / off * off;
        return Math.max(off, t);
    }

    /** Bytes the device can still give: GPU memory not committed, or the OS's available memory on CPU. */
    static long available(Device device) {
        if (device != null && device.isGpu()) {
            try {
                MemoryUsage mu = CudaUtils.getGpuMemory(device);
                return mu.getMax() - mu.getCommitted();
            } catch (RuntimeException e) {
                return 4L << 30;
            }
        }
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
        return 4L << 30;
    }
}
