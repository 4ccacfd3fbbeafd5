package dev.restora.core.nn.quant;

import dev.restora.core.RestoraException;
import dev.restora.core.engine.CpuInfo;

/**
 * Where the int8 fast mode runs: x86 CPUs with 8-bit dot-product instructions (AVX-512 VNNI, AVX-VNNI or AMX-INT8),
 * where the int8 convolution beats float32. Without them the quantized kernels gain little or nothing, so the mode is
 * refused.
 */
public final class Int8Support {
    private Int8Support() {
    }

    /** Whether {@code cpu} has 8-bit dot-product instructions. */
    public static boolean supported(CpuInfo cpu) {
        return cpu.isa().contains("avx512_vnni") || cpu.isa().contains("avx_vnni") || cpu.isa().contains("amx_int8");
    }

    /** Throws a clear error when {@code cpu} lacks them. */
    public static void require(CpuInfo cpu) {
        if (!supported(cpu)) {
            throw new RestoraException("fast_mode=int8 needs a CPU with 8-bit dot-product instructions (AVX-512 "
                    + "VNNI, AVX-VNNI or AMX-INT8); this CPU (" + cpu.model() + ", " + cpu.arch() + ") has "
                    + (cpu.isa().isEmpty() ? "none of the known extensions" : String.join(" ", cpu.isa()))
                    + ". Use fast_mode=exact.");
        }
    }
}
