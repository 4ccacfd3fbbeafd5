package dev.restora.app.cli;

import ai.djl.Device;
import dev.restora.core.RestoraException;
import dev.restora.core.engine.Devices;

/** Parses {@code cpu}, {@code gpu} or {@code gpu:N} for the command line; the device must exist on this machine. */
final class DeviceOption {
    private DeviceOption() {
    }

    /** The device named by {@code text} (call after engine set-up); a usage error when it is unknown or absent. */
    static Device parse(String text) {
        try {
            Device d = Devices.parse(text);
            return d.isGpu() ? Devices.require(text) : d;
        } catch (RestoraException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
    }
}
