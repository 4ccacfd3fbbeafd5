package dev.restora.core.runtime;

import java.util.List;
import java.util.Locale;

/**
 * The libtorch build Restora runs on and the names DJL gives this machine: PyTorch {@value #PYTORCH_VERSION} with DJL
 * {@value #DJL_VERSION}; classifiers {@code linux-x86_64}, {@code linux-aarch64}, {@code osx-aarch64},
 * {@code win-x86_64}; flavors {@code cpu} everywhere and {@code cu128} on linux-x86_64 and win-x86_64 (what DJL
 * publishes for 2.7.1 at {@value #DEFAULT_MIRROR}).
 */
public final class RuntimePlatform {
    /** The libtorch version of the bundled CPU runtime; a GPU runtime must be exactly this version. */
    public static final String PYTORCH_VERSION = "2.7.1";
    /** The DJL version whose JNI library binds libtorch. */
    public static final String DJL_VERSION = "0.35.1";
    /** DJL's published layout: {@code <base>/<version>/files.txt} and the {@code .gz} files it lists. */
    public static final String DEFAULT_MIRROR = "https://publish.djl.ai/pytorch";
    /** The CUDA flavor DJL publishes for 2.7.1. */
    public static final String CUDA_FLAVOR = "cu128";

    private final String os;
    private final String arch;

    RuntimePlatform(String osName, String osArch) {
        String o = osName.toLowerCase(Locale.ROOT);
        this.os = o.startsWith("win") ? "win" : o.contains("mac") || o.contains("darwin") ? "osx" : "linux";
        String a = osArch.toLowerCase(Locale.ROOT);
        this.arch = a.equals("amd64") || a.equals("x86_64") ? "x86_64" : a.equals("arm64") ? "aarch64" : a;
    }

    /** This machine. */
    public static RuntimePlatform current() {
        return new RuntimePlatform(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    /** DJL's name for this OS and architecture, e.g. {@code linux-x86_64}. */
    public String classifier() {
        return os + "-" + arch;
    }

    public boolean isWindows() {
        return os.equals("win");
    }

    public boolean isMac() {
        return os.equals("osx");
    }

    /** The flavors DJL publishes for this machine. */
    public List<String> flavors() {
        String c = classifier();
        return c.equals("linux-x86_64") || c.equals("win-x86_64") ? List.of("cpu", CUDA_FLAVOR) : List.of("cpu");
    }

    /** The file name of a native library: {@code torch} gives libtorch.so, libtorch.dylib or torch.dll. */
    public String libraryName(String base) {
        return isWindows() ? base + ".dll" : isMac() ? "lib" + base + ".dylib" : "lib" + base + ".so";
    }

    /** The libraries a runtime of this flavor cannot work without. */
    public List<String> requiredLibraries(String flavor) {
        List<String> cpu = List.of(libraryName("torch"), libraryName("torch_cpu"), libraryName("c10"));
        if (flavor.startsWith("cu")) {
            return List.of(cpu.get(0), cpu.get(1), cpu.get(2), libraryName("torch_cuda"), libraryName("c10_cuda"));
        }
        return cpu;
    }
}
