package dev.restora.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.restora.core.RestoraException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DevicesTest {

    @BeforeAll
    static void engine() {
        EngineSetup.configure();
    }

    @Test
    void parsesCpuAndGpuNames() {
        assertEquals(Device.cpu(), Devices.parse("cpu"));
        assertEquals(Device.cpu(), Devices.parse(" CPU "));
        assertEquals(Device.gpu(0), Devices.parse("gpu"));
        assertEquals(Device.gpu(0), Devices.parse("gpu:0"));
        assertEquals(Device.gpu(3), Devices.parse("GPU:3"));
        assertEquals(Device.gpu(1), Devices.parse("cuda:1"));
        assertEquals("gpu:3", Devices.name(Device.gpu(3)));
        assertEquals("cpu", Devices.name(Device.cpu()));
    }

    @Test
    void badNamesGiveAClearError() {
        for (String bad : new String[] {"", "tpu", "gpu:", "gpu:-1", "gpu:x", "gpu:99999999999", "cpu:0", null}) {
            RestoraException e = assertThrows(RestoraException.class, () -> Devices.parse(bad), String.valueOf(bad));
            assertEquals("unknown device '" + bad + "': use cpu, gpu or gpu:N (N = 0, 1, ...)", e.getMessage());
        }
    }

    @Test
    void usableListsTheCpuFirstAndEveryGpu() {
        List<DeviceInfo> all = Devices.usable();
        assertEquals("cpu", all.get(0).name());
        assertFalse(all.get(0).isGpu());
        assertEquals(Devices.gpuCount() + 1, all.size());
        for (int i = 1; i < all.size(); i++) {
            assertEquals("gpu:" + (i - 1), all.get(i).name());
            assertTrue(all.get(i).isGpu());
        }
        all.forEach(d -> System.out.println(d.name() + ": " + d.description()));
    }

    @Test
    void requireRefusesAMissingDeviceListingTheAvailableOnes() {
        List<DeviceInfo> cpuOnly = List.of(new DeviceInfo(Device.cpu(), "cpu", -1, "CPU"));
        RestoraException e = assertThrows(RestoraException.class, () -> Devices.require(Device.gpu(1), cpuOnly));
        assertEquals("device gpu:1 is not available on this machine; available: cpu", e.getMessage());
        List<DeviceInfo> twoGpus = List.of(cpuOnly.get(0), new DeviceInfo(Device.gpu(0), "gpu:0", 8L << 30, "GPU 0"),
                new DeviceInfo(Device.gpu(1), "gpu:1", 8L << 30, "GPU 1"));
        assertEquals(Device.gpu(1), Devices.require(Device.gpu(1), twoGpus));
        assertEquals(Device.cpu(), Devices.require("cpu"));
        if (Devices.gpuCount() == 0) {
            assertThrows(RestoraException.class, () -> Devices.require("gpu:0"));
        }
    }
}
