package dev.restora.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The native environment libtorch reads: a variable set through {@link ProcessEnvironment} is what getenv returns
 * (the packaged macOS app has no launcher script to set {@code PYTORCH_ENABLE_MPS_FALLBACK}), a value already there
 * is kept, and off Apple silicon nothing is set.
 */
class ProcessEnvironmentTest {
    @Test
    void setIfAbsentReachesNativeGetenvAndKeepsAUsersValue() {
        String name = "RESTORA_TEST_ENV_" + ProcessHandle.current().pid();
        assertNull(ProcessEnvironment.get(name));
        assertTrue(ProcessEnvironment.setIfAbsent(name, "1"));
        assertEquals("1", ProcessEnvironment.get(name));
        assertFalse(ProcessEnvironment.setIfAbsent(name, "2"), "a value already set is kept");
        assertEquals("1", ProcessEnvironment.get(name));
    }

    @Test
    void theMpsFallbackIsSetOnlyWhereMpsIsPossible() {
        String before = ProcessEnvironment.get(ProcessEnvironment.MPS_FALLBACK);
        assertFalse(ProcessEnvironment.enableMpsFallback(false));
        assertEquals(before, ProcessEnvironment.get(ProcessEnvironment.MPS_FALLBACK), "nothing set off Apple silicon");
        boolean set = ProcessEnvironment.enableMpsFallback(true);
        assertEquals(before == null, set);
        assertEquals(before == null ? "1" : before, ProcessEnvironment.get(ProcessEnvironment.MPS_FALLBACK));
    }
}
