package dev.restora.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.restora.core.RestoraException;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** {@code --device auto|cpu|gpu:N|mps} against injected device lists (no GPU here). */
class DeviceChoiceTest {
    private static final DeviceInfo CPU = new DeviceInfo(Device.cpu(), "cpu", -1, "CPU, 2 hardware threads");
    private static final DeviceInfo GPU0 = new DeviceInfo(Device.gpu(0), "gpu:0", 24L << 30, "GPU 0, 25.8 GB");
    private static final DeviceInfo GPU1 = new DeviceInfo(Device.gpu(1), "gpu:1", 8L << 30, "GPU 1, 8.6 GB");

    private static Supplier<List<DeviceInfo>> machine(DeviceInfo... all) {
        return () -> List.of(all);
    }

    @Test
    void autoPicksTheFirstGpuAndSaysSo() {
        DeviceChoice.Resolved r = DeviceChoice.resolve("auto", machine(CPU, GPU0, GPU1), false);
        assertEquals(Device.gpu(0), r.device());
        assertEquals("device: gpu:0 (GPU 0, 25.8 GB), chosen automatically", r.message());
        assertEquals(Device.gpu(0), DeviceChoice.resolve(" AUTO ", machine(CPU, GPU0), false).device());
    }

    @Test
    void autoWithoutAGpuIsTheCpuAndNeverMps() {
        DeviceChoice.Resolved r = DeviceChoice.resolve("auto", machine(CPU), false);
        assertEquals(Device.cpu(), r.device());
        assertEquals("device: cpu, chosen automatically (no usable GPU found)", r.message());
        DeviceChoice.Resolved mac = DeviceChoice.resolve("auto", machine(CPU), true);
        assertEquals(Device.cpu(), mac.device(), "MPS is opt-in");
        assertTrue(mac.message().contains("--device mps"), mac.message());
    }

    @Test
    void explicitDevicesAreCheckedAgainstTheMachine() {
        assertEquals(Device.cpu(), DeviceChoice.resolve("cpu", machine(CPU), false).device());
        assertEquals(Device.gpu(1), DeviceChoice.resolve("gpu:1", machine(CPU, GPU0, GPU1), false).device());
        RestoraException e = assertThrows(RestoraException.class,
                () -> DeviceChoice.resolve("gpu:1", machine(CPU, GPU0), false));
        assertEquals("device gpu:1 is not available on this machine; available: cpu, gpu:0", e.getMessage());
        RestoraException bad = assertThrows(RestoraException.class, () -> DeviceChoice.resolve("tpu", machine(CPU),
                false));
        assertEquals("unknown device 'tpu': use auto, cpu, gpu, gpu:N (N = 0, 1, ...) or mps", bad.getMessage());
    }

    @Test
    void mpsOnlyOnAppleSilicon() {
        DeviceChoice.Resolved r = DeviceChoice.resolve("mps", machine(CPU), true);
        assertEquals(DeviceChoice.mps(), r.device());
        assertTrue(DeviceChoice.isMps(r.device()));
        assertFalse(r.device().isGpu());
        assertEquals("mps", Devices.name(r.device()));
        RestoraException e = assertThrows(RestoraException.class, () -> DeviceChoice.resolve("mps", machine(CPU),
                false));
        assertTrue(e.getMessage().startsWith("device mps needs macOS on Apple silicon; this is "), e.getMessage());
    }

    @Test
    void resolvesOnThisMachine() {
        EngineSetup.configure();
        DeviceChoice.Resolved r = DeviceChoice.resolve("auto");
        assertEquals(Devices.gpuCount() > 0 ? Device.gpu(0) : Device.cpu(), r.device());
        System.out.println(r.message());
    }
}
