package dev.restora.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import dev.restora.core.engine.AppDirs;
import dev.restora.core.engine.CpuInfo;
import dev.restora.core.engine.EngineSetup;
import dev.restora.core.engine.Nvml;
import dev.restora.core.runtime.NativeRuntime;
import dev.restora.core.runtime.RuntimeProbe;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code restora gpu} and {@code restora devices} from the command line, on a temporary data folder: a libtorch of the
 * user's own (the bundled CPU natives laid out like the official zip) is checked, tried in a child JVM and selected;
 * bad folders get one clear message each.
 */
class GpuCommandTest {
    @TempDir
    Path tmp;
    private String oldHome;

    @BeforeEach
    void home() {
        oldHome = System.getProperty(AppDirs.HOME_PROPERTY);
        System.setProperty(AppDirs.HOME_PROPERTY, tmp.resolve("data").toString());
    }

    @AfterEach
    void restore() {
        if (oldHome == null) {
            System.clearProperty(AppDirs.HOME_PROPERTY);
        } else {
            System.setProperty(AppDirs.HOME_PROPERTY, oldHome);
        }
    }

    /** An official-zip layout: build-version, share/cmake/Torch/TorchConfig.cmake, lib/ (links to the natives). */
    private Path libtorch(String buildVersion, String abi, boolean withTorchCpu) throws IOException {
        EngineSetup.configure();
        Engine.getInstance();
        Path natives = Paths.get(RuntimeProbe.libtorchPath());
        Path root = Files.createDirectories(tmp.resolve("libtorch-" + buildVersion + "-" + abi + withTorchCpu));
        Files.writeString(root.resolve("build-version"), buildVersion + "\n");
        Path cmake = Files.createDirectories(root.resolve("share/cmake/Torch"));
        Files.writeString(cmake.resolve("TorchConfig.cmake"),
                "set(TORCH_CXX_FLAGS \"-D_GLIBCXX_USE_CXX11_ABI=" + abi + "\")\n");
        Path lib = Files.createDirectories(root.resolve("lib"));
        Properties p = new Properties();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("native/lib/pytorch.properties")) {
            p.load(in);
        }
        for (String name : p.getProperty("libraries").split(",")) {
            if (withTorchCpu || !name.startsWith("libtorch_cpu")) {
                Files.createSymbolicLink(lib.resolve(name), natives.resolve(name));
            }
        }
        return root;
    }

    @Test
    void useChecksTriesAndSelectsALibtorchOfTheUsersOwn() throws IOException {
        Path root = libtorch("2.7.1+cpu", "1", true);
        CliRun use = CliRun.run(null, "gpu", "use", root.toString());
        assertEquals(0, use.code(), use.toString());
        assertTrue(use.out().contains("libtorch 2.7.1 cpu in " + root.resolve("lib")), use.toString());

        CliRun status = CliRun.run(null, "gpu", "status");
        assertEquals(0, status.code(), status.toString());
        assertTrue(status.out().contains("Next start:  libtorch 2.7.1 cpu in " + root.resolve("lib") + " (your own)"),
                status.toString());
        CliRun devices = CliRun.run(null, "devices");
        assertEquals(0, devices.code(), devices.toString());
        assertTrue(devices.out().startsWith("cpu ") && devices.out().contains("from the next start: libtorch 2.7.1 cpu in "
                + root.resolve("lib")), devices.toString());

        CliRun verify = CliRun.run(null, "gpu", "verify");
        assertEquals(0, verify.code(), verify.toString());
        assertTrue(verify.out().contains("OK"), verify.toString());

        CliRun remove = CliRun.run(null, "gpu", "remove");
        assertEquals(0, remove.code(), remove.toString());
        assertTrue(Files.exists(root.resolve("lib/libtorch.so")), "the user's own folder is never deleted");
        assertFalse(CliRun.run(null, "gpu", "status").out().contains("Next start"));
    }

    @Test
    void aLibtorchThatDoesNotFitGetsOneClearMessage() throws IOException {
        CliRun version = CliRun.run(null, "gpu", "use", libtorch("2.6.0+cu124", "1", true).toString());
        assertEquals(ExitCodes.FAILED, version.code(), version.toString());
        assertTrue(version.err().contains("holds libtorch 2.6.0+cu124, but Restora needs exactly 2.7.1"), version.err());

        CliRun abi = CliRun.run(null, "gpu", "use", libtorch("2.7.1+cpu", "0", true).toString());
        assertTrue(abi.err().contains("pre-C++11-ABI build"), abi.err());

        CliRun libs = CliRun.run(null, "gpu", "use", libtorch("2.7.1+cpu", "1", false).resolve("lib").toString());
        assertTrue(libs.err().contains("lacks libtorch_cpu.so"), libs.err());

        CliRun flavor = CliRun.run(null, "gpu", "use", libtorch("2.7.1+rocm6.3", "1", true).toString());
        assertTrue(flavor.err().contains("is the rocm6.3 build"), flavor.err());

        Path notTorch = Files.createDirectories(tmp.resolve("photos"));
        CliRun none = CliRun.run(null, "gpu", "use", notTorch.toString());
        assertTrue(none.err().contains("no build-version file"), none.err());
        for (CliRun r : List.of(version, abi, libs, flavor, none)) {
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        }
        assertFalse(CliRun.run(null, "gpu", "status").out().contains("Next start"), "nothing selected");
    }

    @Test
    void devicesListsTheGpusWithWhyTheyCannotBeUsed() {
        CpuInfo cpu = new CpuInfo("AMD Ryzen 9 7950X", "amd64", 32, List.of("avx2", "avx512f"));
        Nvml.Snapshot nvml = new Nvml.Snapshot(null, "570.86.10", 12080, List.of(
                new Nvml.Gpu(0, "NVIDIA GeForce RTX 4090", 25_757_220_864L, 24_000_000_000L, 8, 9),
                new Nvml.Gpu(1, "NVIDIA GeForce GTX 1080", 8_589_934_592L, 8_000_000_000L, 6, 1)));
        NativeRuntime cuda = new NativeRuntime(tmp.resolve("rt"), "2.7.1", "cu128", "linux-x86_64", "installed",
                "https://publish.djl.ai/pytorch", Map.of());
        List<String> lines = DevicesCommand.format(cpu, nvml, Optional.of(cuda), Optional.of(cuda));
        assertEquals(List.of(
                "cpu     AMD Ryzen 9 7950X, 32 hardware threads, avx2 avx512f  [usable]",
                "gpu:0   NVIDIA GeForce RTX 4090, 25.8 GB (24.0 GB free), compute capability 8.9  [usable]",
                "gpu:1   NVIDIA GeForce GTX 1080, 8.6 GB (8.0 GB free), compute capability 6.1  [not usable: compute"
                        + " capability 6.1 is not in the cu128 build of libtorch (it needs 7.5 or newer)]",
                "driver  570.86.10, supports CUDA 12.8",
                "runtime libtorch 2.7.1 cu128 in " + tmp.resolve("rt") + " (installed from https://publish.djl.ai/pytorch)"),
                lines);
        List<String> bundled = DevicesCommand.format(cpu, nvml, Optional.empty(), Optional.empty());
        assertTrue(bundled.get(1).endsWith("[not usable: no GPU runtime installed (run: restora gpu install)]"),
                bundled.get(1));
        List<String> noDriver = DevicesCommand.format(cpu, new Nvml.Snapshot("no NVIDIA driver found"
                + " (libnvidia-ml.so.1 is not installed)", null, 0, List.of()), Optional.empty(), Optional.empty());
        assertEquals("gpu     none found: no NVIDIA driver found (libnvidia-ml.so.1 is not installed)", noDriver.get(1));
        assertEquals("runtime libtorch 2.7.1 cpu, bundled (from the class path)", noDriver.get(2));
    }
}
