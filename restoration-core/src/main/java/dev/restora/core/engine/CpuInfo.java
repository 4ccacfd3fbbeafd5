package dev.restora.core.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The CPU as Restora's listings show it: model, hardware threads and the instruction-set extensions that matter to
 * libtorch's kernels (read from {@code /proc/cpuinfo} on Linux; elsewhere only the architecture is known).
 */
public record CpuInfo(String model, String arch, int threads, List<String> isa) {
    /** The extensions listed, in this order, when the CPU has them. */
    static final List<String> INTERESTING = List.of("sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw",
            "avx512_vnni", "avx_vnni", "avx512_bf16", "avx512_fp16", "amx_tile", "amx_bf16", "amx_int8", "asimd", "sve", "sve2");

    /** This machine. */
    public static CpuInfo current() {
        Path info = Path.of("/proc/cpuinfo");
        String text = "";
        try {
            if (Files.isReadable(info)) {
                text = Files.readString(info);
            }
        } catch (IOException | RuntimeException e) {
            text = "";
        }
        return parse(text, System.getProperty("os.arch", "?"), Runtime.getRuntime().availableProcessors());
    }

    /** From the text of {@code /proc/cpuinfo} (empty when there is none). */
    static CpuInfo parse(String cpuinfo, String arch, int threads) {
        String model = null;
        Set<String> flags = Set.of();
        for (String line : cpuinfo.split("\\R")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (model == null && (key.equals("model name") || key.equals("Model") || key.equals("Hardware"))) {
                model = value;
            } else if (flags.isEmpty() && (key.equals("flags") || key.equals("Features"))) {
                flags = Set.of(value.split("\\s+"));
            }
        }
        List<String> isa = new ArrayList<>();
        for (String f : INTERESTING) {
            if (flags.contains(f)) {
                isa.add(f);
            }
        }
        return new CpuInfo(model == null ? arch + " CPU" : model, arch, threads, List.copyOf(isa));
    }
}
