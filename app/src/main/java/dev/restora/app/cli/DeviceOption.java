package dev.restora.app.cli;

import ai.djl.Device;
import dev.restora.core.RestoraException;
import dev.restora.core.engine.DeviceChoice;
import java.io.PrintWriter;

/**
 * The {@code --device} option of every command that runs a pipeline: {@code auto} (the default: the first usable
 * GPU, else the CPU), {@code cpu}, {@code gpu}, {@code gpu:N} or {@code mps} (Apple silicon, opt-in). See
 * {@link DeviceChoice}.
 */
final class DeviceOption {
    /** The option's label and default, shared by the commands' {@code @Option} annotations. */
    static final String LABEL = "auto|cpu|gpu:N|mps";
    static final String DEFAULT = DeviceChoice.AUTO;
    static final String DESCRIPTION = "Where to run: auto (the first usable GPU, else the CPU), cpu, gpu:N, or mps "
            + "(Apple silicon) (default: ${DEFAULT-VALUE}).";

    private DeviceOption() {
    }

    /**
     * The device named by {@code text} (call after engine set-up); a usage error when it is unknown or absent. With
     * {@code auto} one line on {@code err} says which device was chosen.
     */
    static Device parse(String text, PrintWriter err) {
        DeviceChoice.Resolved r;
        try {
            r = DeviceChoice.resolve(text);
        } catch (RestoraException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
        if (err != null && DeviceChoice.AUTO.equalsIgnoreCase(text == null ? "" : text.trim())) {
            err.println(r.message());
            err.flush();
        }
        return r.device();
    }
}
