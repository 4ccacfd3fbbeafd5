package dev.restora.app.cli;

import dev.restora.core.engine.CpuInfo;
import dev.restora.core.engine.GpuUsability;
import dev.restora.core.engine.Nvml;
import dev.restora.core.runtime.GpuRuntimes;
import dev.restora.core.runtime.NativeRuntime;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code restora devices}: the CPU and every NVIDIA GPU as the driver reports them (NVML), whether each is usable and
 * why not, and the libtorch in use. It does not load the engine.
 */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = {"List the CPU and the GPUs (through the NVIDIA driver), whether each can be used and why not,",
            "and the libtorch runtime in use."})
final class DevicesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        GpuRuntimes.Status status = GpuRuntimes.current().status();
        for (String line : format(CpuInfo.current(), Nvml.read(), status.inUse(), status.selected())) {
            out.println(line);
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** The listing's lines. */
    static List<String> format(CpuInfo cpu, Nvml.Snapshot nvml, Optional<NativeRuntime> inUse,
                               Optional<NativeRuntime> next) {
        List<String> lines = new ArrayList<>();
        lines.add("cpu     " + cpu.model() + ", " + cpu.threads() + " hardware threads"
                + (cpu.isa().isEmpty() ? "" : ", " + String.join(" ", cpu.isa())) + "  [usable]");
        String flavor = inUse.map(NativeRuntime::flavor).orElse("cpu");
        if (!nvml.available()) {
            lines.add("gpu     none found: " + nvml.unavailable());
        } else {
            if (nvml.gpus().isEmpty()) {
                lines.add("gpu     the NVIDIA driver reports no GPU");
            }
            for (Nvml.Gpu g : nvml.gpus()) {
                String mem = g.memoryTotal() < 0 ? "memory unknown"
                        : gb(g.memoryTotal()) + " (" + gb(g.memoryFree()) + " free)";
                String cc = g.ccMajor() > 0 ? ", compute capability " + g.computeCapability() : "";
                String use = GpuUsability.problem(g, nvml, flavor).map(p -> "not usable: " + p).orElse("usable");
                lines.add(String.format(Locale.ROOT, "gpu:%-3d %s, %s%s  [%s]", g.index(), g.name(), mem, cc, use));
            }
            lines.add("driver  " + (nvml.driverVersion() == null ? "version unknown" : nvml.driverVersion())
                    + (nvml.cudaVersion() == null ? "" : ", supports CUDA " + nvml.cudaVersion()));
            GpuUsability.note(nvml).ifPresent(n -> lines.add("        " + n));
        }
        lines.add("runtime " + GpuCommand.describe(inUse));
        if (!next.equals(inUse)) {
            lines.add("        from the next start: " + GpuCommand.describe(next));
        }
        return lines;
    }

    private static String gb(long bytes) {
        return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
    }
}
