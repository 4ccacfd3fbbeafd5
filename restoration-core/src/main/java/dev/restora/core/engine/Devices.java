package dev.restora.core.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import dev.restora.core.RestoraException;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The devices of this machine that jobs can use, and the {@code cpu} / {@code gpu:N} names of the user interface. */
public final class Devices {
    private static final Logger LOG = LoggerFactory.getLogger(Devices.class);
    private static final Pattern GPU = Pattern.compile("(?:gpu|cuda)(?::(\\d+))?");

    private Devices() {
    }

    /** The CPU first, then every GPU the engine reports, with its memory where the driver tells it. */
    public static List<DeviceInfo> usable() {
        List<DeviceInfo> out = new ArrayList<>();
        out.add(new DeviceInfo(Device.cpu(), "cpu", -1,
                "CPU, " + Runtime.getRuntime().availableProcessors() + " hardware threads"));
        int gpus = gpuCount();
        for (int i = 0; i < gpus; i++) {
            Device d = Device.gpu(i);
            long mem = -1;
            String cc = "";
            try {
                MemoryUsage usage = CudaUtils.getGpuMemory(d);
                mem = usage.getMax() > 0 ? usage.getMax() : usage.getCommitted();
                cc = ", compute capability " + CudaUtils.getComputeCapability(i);
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("no memory figure for gpu:{}", i, e);
            }
            String memText = mem > 0 ? String.format(Locale.ROOT, "%.1f GB", mem / 1e9) : "memory unknown";
            out.add(new DeviceInfo(d, "gpu:" + i, mem, "GPU " + i + ", " + memText + cc));
        }
        return List.copyOf(out);
    }

    /** GPUs the engine can use (0 on a CPU-only engine build or machine). */
    public static int gpuCount() {
        try {
            return Engine.getInstance().getGpuCount();
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("engine reports no GPU", e);
            return 0;
        }
    }

    /**
     * Parses {@code cpu}, {@code gpu} (= {@code gpu:0}) or {@code gpu:N} (case-insensitive) without checking the
     * machine.
     *
     * @throws RestoraException naming the text and the accepted forms
     */
    public static Device parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("cpu")) {
            return Device.cpu();
        }
        Matcher m = GPU.matcher(t);
        if (m.matches()) {
            try {
                int index = m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
                return Device.gpu(index);
            } catch (NumberFormatException e) {
                // a number too large for an int: fall through to the error
            }
        }
        throw new RestoraException("unknown device '" + text + "': use cpu, gpu or gpu:N (N = 0, 1, ...)");
    }

    /**
     * Parses the name and checks that this machine has the device.
     *
     * @throws RestoraException naming the device and listing the available ones
     */
    public static Device require(String text) {
        Device d = parse(text);
        return require(d, usable());
    }

    static Device require(Device d, List<DeviceInfo> available) {
        for (DeviceInfo info : available) {
            if (info.device().equals(d)) {
                return d;
            }
        }
        throw new RestoraException("device " + name(d) + " is not available on this machine; available: "
                + String.join(", ", available.stream().map(DeviceInfo::name).toList()));
    }

    /** The user-facing name of a device: {@code cpu}, {@code gpu:N} or {@code mps}. */
    public static String name(Device d) {
        if (DeviceChoice.isMps(d)) {
            return DeviceChoice.MPS;
        }
        return d.isGpu() ? "gpu:" + d.getDeviceId() : "cpu";
    }
}
