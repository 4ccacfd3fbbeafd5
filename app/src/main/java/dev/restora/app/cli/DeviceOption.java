package dev.restora.app.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/** Parses {@code cpu}, {@code gpu} or {@code gpu:N}; a GPU must exist on this machine. */
public final class DeviceOption {
    private DeviceOption() {
    }

    /** The device named by {@code text}, checked against the GPUs the engine sees (call after engine set-up). */
    public static Device parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("cpu")) {
            return Device.cpu();
        }
        int index;
        if (t.equals("gpu") || t.equals("cuda")) {
            index = 0;
        } else if (t.startsWith("gpu:") || t.startsWith("cuda:")) {
            try {
                index = Integer.parseInt(t.substring(t.indexOf(':') + 1));
            } catch (NumberFormatException e) {
                throw new CliException(ExitCodes.USAGE, "'" + text + "' is not a device; use cpu or gpu:N");
            }
            if (index < 0) {
                throw new CliException(ExitCodes.USAGE, "'" + text + "': a GPU index is 0 or more");
            }
        } else {
            throw new CliException(ExitCodes.USAGE, "'" + text + "' is not a device; use cpu or gpu:N");
        }
        int count = Engine.getInstance().getGpuCount();
        if (index >= count) {
            throw new CliException(ExitCodes.USAGE, "no GPU " + index + ": this machine has " + count
                    + " GPU(s) usable by PyTorch" + (count == 0 ? "; use --device cpu" : ""));
        }
        return Device.gpu(index);
    }
}
