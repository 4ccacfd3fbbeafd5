package dev.restora.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Platform;
import org.junit.jupiter.api.Test;

/** glibc's allocator settings are applied through mallopt on Linux, once per process. */
class NativeAllocatorTest {

    @Test
    void malloptTakesBothSettingsOnLinux() {
        assumeTrue(Platform.isLinux(), "glibc's mallopt: Linux only");
        String tunables = ProcessEnvironment.get("GLIBC_TUNABLES");
        assumeTrue(tunables == null || !tunables.contains("glibc.malloc."), "a user's GLIBC_TUNABLES wins");
        // true only when glibc accepted both values (mallopt returns 1; an out-of-range threshold returns 0)
        assertTrue(NativeAllocator.configure(), "mallopt refused a setting");
        assertTrue(NativeAllocator.configure(), "idempotent");
        assertEquals(32 << 20, NativeAllocator.MMAP_THRESHOLD, "glibc's largest mmap threshold on 64-bit");
    }
}
