package dev.restora.core.engine;

import java.util.Optional;

/**
 * Whether a GPU NVML reports can run Restora's networks with the CUDA runtime DJL publishes for libtorch 2.7.1
 * ({@code cu128}), and if not, why, in words for the user.
 *
 * <ul>
 *   <li>the driver must support CUDA 12 (NVML's CUDA driver version); below 12.8 it runs through CUDA's minor-version
 *       compatibility, which is said;</li>
 *   <li>the compute capability must be 7.5 or newer: PyTorch's cu128 builds of that period ship kernels for sm_75 and
 *       newer only (sm_50 to sm_70 were dropped, pytorch#146265; not confirmed for 2.7.1 on a real GPU);</li>
 *   <li>a GPU runtime must be installed ({@code restora gpu install}) or chosen ({@code restora gpu use}).</li>
 * </ul>
 */
public final class GpuUsability {
    /** The oldest compute capability in the cu128 build, times ten. */
    static final int MIN_CC = 75;
    /** CUDA 12.0 and 12.8 in NVML's integer form. */
    static final int CUDA_12 = 12000;
    static final int CUDA_12_8 = 12080;

    private GpuUsability() {
    }

    /**
     * Why the GPU cannot be used, or empty when it can.
     *
     * @param runtimeFlavor the flavor of the runtime in use ({@code cpu} for the bundled one)
     */
    public static Optional<String> problem(Nvml.Gpu gpu, Nvml.Snapshot nvml, String runtimeFlavor) {
        if (nvml.cudaDriverVersion() > 0 && nvml.cudaDriverVersion() < CUDA_12) {
            return Optional.of("driver too old: it supports CUDA " + nvml.cudaVersion() + ", the GPU runtime needs"
                    + " CUDA 12 (update the NVIDIA driver)");
        }
        if (gpu.ccMajor() > 0 && gpu.ccMajor() * 10 + gpu.ccMinor() < MIN_CC) {
            return Optional.of("compute capability " + gpu.computeCapability() + " is not in the cu128 build of"
                    + " libtorch (it needs 7.5 or newer)");
        }
        if (runtimeFlavor == null || !runtimeFlavor.startsWith("cu")) {
            return Optional.of("no GPU runtime installed (run: restora gpu install)");
        }
        return Optional.empty();
    }

    /** A note for a usable GPU, e.g. the driver's CUDA version below the runtime's, or empty. */
    public static Optional<String> note(Nvml.Snapshot nvml) {
        if (nvml.cudaDriverVersion() >= CUDA_12 && nvml.cudaDriverVersion() < CUDA_12_8) {
            return Optional.of("the driver supports CUDA " + nvml.cudaVersion() + ", below the runtime's 12.8: it"
                    + " runs through CUDA's minor-version compatibility; update the driver if it fails to load");
        }
        return Optional.empty();
    }
}
