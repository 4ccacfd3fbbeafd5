package dev.restora.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.app.cli.fixtures.TestUpscaleProvider;
import dev.restora.core.engine.Devices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --device}: auto by default on restore, batch and bench, saying which device it chose. */
class DeviceOptionTest {
    @TempDir
    Path dir;

    private Path models() throws IOException {
        return Files.createDirectories(dir.resolve("models"));
    }

    @Test
    void autoIsTheDefaultAndSaysWhichDevice() throws Exception {
        Path in = TestMedia.image(dir.resolve("photo.png"), 12, 8, false, "png");
        String expected = Devices.gpuCount() > 0 ? "device: gpu:0 (" : "device: cpu, chosen automatically (no usable GPU found)";
        CliRun restore = CliRun.run(models(), "restore", in.toString(), "--pipeline", TestUpscaleProvider.ID, "--out",
                dir.resolve("out").toString(), "--seed", "1");
        assertEquals(ExitCodes.OK, restore.code(), restore::toString);
        assertTrue(restore.err().contains(expected), restore::toString);
        CliRun batch = CliRun.run(models(), "batch", in.toString(), "--pipeline", TestUpscaleProvider.ID, "--out",
                dir.resolve("batch").toString());
        assertEquals(ExitCodes.OK, batch.code(), batch::toString);
        assertTrue(batch.err().contains(expected), batch::toString);
        CliRun explicit = CliRun.run(models(), "restore", in.toString(), "--pipeline", TestUpscaleProvider.ID, "--out",
                dir.resolve("cpu").toString(), "--device", "cpu");
        assertEquals(ExitCodes.OK, explicit.code(), explicit::toString);
        assertFalse(explicit.err().contains("chosen automatically"), "only auto says which: " + explicit);
        CliRun help = CliRun.run(null, "restore", "--help");
        assertTrue(help.out().contains("--device=auto|cpu|gpu:N|mps")
                && help.out().replaceAll("\\s+", " ").contains("(default: auto)"), help::toString);
    }

    @Test
    void unknownOrAbsentDevicesAreUsageErrors() throws Exception {
        Path in = TestMedia.image(dir.resolve("photo.png"), 12, 8, false, "png");
        CliRun tpu = CliRun.run(models(), "restore", in.toString(), "--pipeline", TestUpscaleProvider.ID, "--device",
                "tpu");
        assertEquals(ExitCodes.USAGE, tpu.code(), tpu::toString);
        assertTrue(tpu.err().contains("unknown device 'tpu': use auto, cpu, gpu, gpu:N (N = 0, 1, ...) or mps"),
                tpu::toString);
        if (Devices.gpuCount() == 0) {
            CliRun gpu = CliRun.run(models(), "restore", in.toString(), "--pipeline", TestUpscaleProvider.ID,
                    "--device", "gpu:0");
            assertEquals(ExitCodes.USAGE, gpu.code(), gpu::toString);
            assertTrue(gpu.err().contains("device gpu:0 is not available on this machine; available: cpu"),
                    gpu::toString);
        }
        if (!System.getProperty("os.name").toLowerCase().contains("mac")) {
            CliRun mps = CliRun.run(models(), "restore", in.toString(), "--pipeline", TestUpscaleProvider.ID,
                    "--device", "mps");
            assertEquals(ExitCodes.USAGE, mps.code(), mps::toString);
            assertTrue(mps.err().contains("device mps needs macOS on Apple silicon"), mps::toString);
        }
    }
}
