package dev.restora.core.engine;

import ai.djl.Device;
import dev.restora.core.RestoraException;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * What the user asks for with {@code --device} (and the studio's Device setting): {@code auto} (the default: the
 * first usable GPU, else the CPU), {@code cpu}, {@code gpu} / {@code gpu:N}, or {@code mps} (Apple silicon's GPU
 * through DJL's MPS device, {@code Device.of("mps", -1)}; opt-in only, never chosen by {@code auto}: PyTorch's MPS
 * backend has no float64 and lacks some operators, which run on the CPU only with
 * {@code PYTORCH_ENABLE_MPS_FALLBACK=1}, set by the launchers on macOS).
 */
public final class DeviceChoice {
    public static final String AUTO = "auto";
    public static final String MPS = "mps";

    /**
     * The device chosen and the sentence that says which, for stderr and the studio.
     *
     * @param device  the device to run on
     * @param message e.g. "device: gpu:0 (GPU 0, 24.0 GB), chosen automatically"
     */
    public record Resolved(Device device, String message) {
    }

    private DeviceChoice() {
    }

    /** Apple's GPU as DJL names it. */
    public static Device mps() {
        return Device.of(MPS, -1);
    }

    public static boolean isMps(Device d) {
        return d != null && MPS.equals(d.getDeviceType());
    }

    public static boolean isCpu(Device d) {
        return d != null && Device.Type.CPU.equals(d.getDeviceType());
    }

    /** Whether this machine could have an MPS device: macOS on Apple silicon. */
    public static boolean mpsPossible() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return os.contains("mac") && (arch.equals("aarch64") || arch.equals("arm64"));
    }

    /**
     * Parses and checks {@code text} against this machine (call after engine set-up).
     *
     * @throws RestoraException naming the text and the accepted forms, or the missing device and the available ones
     */
    public static Resolved resolve(String text) {
        return resolve(text, Devices::usable, mpsPossible());
    }

    /** {@link #resolve(String)} against a given device list and MPS possibility (for tests). */
    static Resolved resolve(String text, Supplier<List<DeviceInfo>> machine, boolean mpsHere) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.equals(AUTO)) {
            List<DeviceInfo> all = machine.get();
            for (DeviceInfo d : all) {
                if (d.isGpu()) {
                    return new Resolved(d.device(), "device: " + d.name() + " (" + d.description()
                            + "), chosen automatically");
                }
            }
            return new Resolved(Device.cpu(), "device: cpu, chosen automatically (no usable GPU found"
                    + (mpsHere ? "; Apple's GPU is opt-in: --device mps" : "") + ")");
        }
        if (t.equals(MPS)) {
            if (!mpsHere) {
                throw new RestoraException("device mps needs macOS on Apple silicon; this is "
                        + System.getProperty("os.name") + " on " + System.getProperty("os.arch"));
            }
            return new Resolved(mps(), "device: mps (Apple GPU; operators it lacks run on the CPU)");
        }
        Device d;
        try {
            d = Devices.parse(t);
        } catch (RestoraException e) {
            throw new RestoraException("unknown device '" + text + "': use auto, cpu, gpu, gpu:N (N = 0, 1, ...) or "
                    + "mps", e);
        }
        if (d.isGpu()) {
            Devices.require(d, machine.get());
        }
        return new Resolved(d, "device: " + Devices.name(d));
    }
}
