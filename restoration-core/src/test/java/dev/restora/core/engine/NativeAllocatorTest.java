package dev.restora.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Platform;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The native allocator: glibc's mallopt settings (Linux, once per process), and what the launchers' heap tunables and
 * preloaded jemalloc do.
 */
class NativeAllocatorTest {

    @Test
    void malloptTakesBothSettingsOnLinux() {
        assumeTrue(Platform.isLinux(), "glibc's mallopt: Linux only");
        String tunables = ProcessEnvironment.get("GLIBC_TUNABLES");
        assumeTrue(tunables == null || !tunables.contains("glibc.malloc."), "a user's GLIBC_TUNABLES wins");
        assumeTrue(!NativeAllocator.jemalloc(), "this JVM runs on a preloaded jemalloc: glibc is left alone");
        // true only when glibc accepted both values (mallopt returns 1; an out-of-range threshold returns 0)
        assertTrue(NativeAllocator.configure(), "mallopt refused a setting");
        assertTrue(NativeAllocator.configure(), "idempotent");
        assertEquals(32 << 20, NativeAllocator.MMAP_THRESHOLD, "glibc's largest mmap threshold on 64-bit");
    }

    /**
     * What the launchers' {@link NativeAllocator#HEAP_TUNABLES} buy, in a child JVM each way: with them a freed 128 MiB
     * block is reused without page faults and {@link NativeAllocator#releaseFreeMemory} gives it back; with glibc's
     * defaults (and this class's mallopt) every round faults its 32768 pages in again.
     */
    @Test
    void heapTunablesReuseLargeBlocksWithoutPageFaults() throws Exception {
        assumeTrue(Platform.isLinux(), "glibc: Linux only");
        Map<String, Long> heap = child(NativeAllocator.HEAP_TUNABLES);
        assertEquals(1L, heap.get("heapOnly"), heap.toString());
        assertTrue(heap.get("faults") < 2000, "a freed 128 MiB block faulted in again: " + heap);
        assertEquals(1L, heap.get("released"), heap.toString());
        assertTrue(heap.get("rssKib") - heap.get("rssAfterKib") > 100 << 10,
                "malloc_trim returned too little: " + heap);

        Map<String, Long> mapped = child(null);
        assertEquals(0L, mapped.get("heapOnly"), mapped.toString());
        assertTrue(mapped.get("faults") > 16_000, "glibc's defaults map large blocks afresh: " + mapped);
        assertEquals(0L, mapped.get("released"), "nothing to release without the tunables: " + mapped);
    }

    /**
     * What the launchers' jemalloc buys, where it is installed: with {@link NativeAllocator#JEMALLOC_CONF} a freed
     * 128 MiB block is reused without page faults, this class leaves glibc alone and
     * {@link NativeAllocator#releaseFreeMemory} purges the free pages.
     */
    @Test
    void preloadedJemallocReusesLargeBlocksAndPurgesThem() throws Exception {
        assumeTrue(Platform.isLinux(), "jemalloc preloading: Linux only");
        Path lib = JEMALLOC_CANDIDATES.stream().map(Path::of).filter(Files::isReadable).findFirst().orElse(null);
        assumeTrue(lib != null, "libjemalloc.so.2 is not installed here (Debian: libjemalloc2), looked in "
                + JEMALLOC_CANDIDATES);
        Map<String, Long> je = child(null, Map.of("LD_PRELOAD", lib.toString(), "MALLOC_CONF",
                NativeAllocator.JEMALLOC_CONF));
        assertEquals(1L, je.get("jemalloc"), je.toString());
        assertEquals(0L, je.get("heapOnly"), je.toString());
        assertTrue(je.get("faults") < 2000, "a freed 128 MiB block faulted in again: " + je);
        assertEquals(1L, je.get("released"), je.toString());
        assertTrue(je.get("rssKib") - je.get("rssAfterKib") > 100 << 10, "the purge returned too little: " + je);
        assertEquals(0L, child(null).get("jemalloc"), "glibc's malloc is not taken for jemalloc");
    }

    /** Where the launchers look for jemalloc (the same list as {@code restora} and {@code restora.sh}). */
    static final List<String> JEMALLOC_CANDIDATES = List.of("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2",
            "/usr/lib/aarch64-linux-gnu/libjemalloc.so.2", "/usr/lib64/libjemalloc.so.2", "/usr/lib/libjemalloc.so.2");

    private static Map<String, Long> child(String tunables) throws Exception {
        return child(tunables, Map.of());
    }

    private static Map<String, Long> child(String tunables, Map<String, String> env) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "-Djna.tmpdir=" + System.getProperty("jna.tmpdir", "target/jna"),
                HeapFaultsChild.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("GLIBC_TUNABLES");
        pb.environment().remove("LD_PRELOAD");
        pb.environment().remove("MALLOC_CONF");
        if (tunables != null) {
            pb.environment().put("GLIBC_TUNABLES", tunables);
        }
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        Map<String, Long> values = new HashMap<>();
        String line = out.lines().filter(l -> l.startsWith("faults=")).findFirst().orElseThrow(() ->
                new AssertionError("no result from the child: " + out));
        for (String kv : line.split(" ")) {
            String[] parts = kv.split("=");
            values.put(parts[0], switch (parts[1]) {
                case "true" -> 1L;
                case "false" -> 0L;
                default -> Long.parseLong(parts[1]);
            });
        }
        return values;
    }
}
