package dev.restora.core.engine;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * glibc's allocator settings for a process that allocates and frees large tensors all the time (Linux only).
 * libtorch's CPU allocator is plain malloc. By default glibc serves a block above its mmap threshold (128 KiB at
 * start, raised only as mmapped blocks are freed) by a fresh mapping, and gives freed memory above 128 KiB at the
 * top of a heap back to the system: every such tensor then costs page faults on its first write, in the first calls
 * of a process most of all (measured here: a ResShift UNet call at 0.99 s as the first measurement of a process
 * against 0.61 s later in the same process). {@link #configure} fixes the mmap threshold at glibc's maximum (32 MiB;
 * larger blocks are still mapped) and keeps up to {@link #TRIM_THRESHOLD} of free memory in the heaps, through
 * {@code mallopt}, which applies to all later allocations of the process. A user's {@code GLIBC_TUNABLES} or
 * {@code MALLOC_*_} settings win (nothing is changed then); {@code -Drestora.malloc.tune=false} leaves glibc's
 * defaults.
 *
 * <p>Tensors above 32 MiB (a 128-channel map at 512x512 is 128 MiB) still get a fresh mapping each. mallopt cannot
 * change that: the threshold stops at 32 MiB, and turning mmap off reaches only the main arena, not the arenas the
 * running threads already have. Only {@link #HEAP_TUNABLES} in the environment at process start can, so the Linux
 * launchers ({@code restora}, the installers' {@code lib/app/restora.sh}) set it on machines with at least 15 GiB.
 * Measured on a ResShift 128 -> 512 run (one process, after a warm-up): int8 22.1 -> 12.5 s, exact 37 -> 33-34 s. The
 * peak resident memory grows (int8 5.5 -> 8.1 GB, exact 4.5 -> 6.0 GB), as one heap fragments where mappings would be
 * returned, so {@link #releaseFreeMemory} gives the free pages back whenever the worker pool falls idle.
 *
 * <p>Where jemalloc is installed (Debian's and Ubuntu's {@code libjemalloc2}), the Linux launchers preload it instead,
 * with {@link #JEMALLOC_CONF} (whatever the RAM): its size classes reuse freed tensors without page faults and
 * fragment less than one glibc heap. Measured on int8 ResShift 128 -> 512 runs (one process, three runs after two):
 * 11.9-12.1 s with a peak of 5.3 GB, against 12.3-13.9 s and 8.9 GB with {@link #HEAP_TUNABLES} and 16.6-19.6 s and
 * 5.6 GB with glibc's defaults. This class then leaves glibc alone, and {@link #releaseFreeMemory} purges jemalloc's
 * arenas.
 */
public final class NativeAllocator {
    /** System property: tune glibc's allocator at start-up (default true). */
    public static final String PROPERTY = "restora.malloc.tune";
    /** glibc's largest allowed mmap threshold (HEAP_MAX_SIZE / 2 on 64-bit). */
    static final int MMAP_THRESHOLD = 32 << 20;
    /** Free memory kept in the heaps before glibc returns it to the system. */
    static final int TRIM_THRESHOLD = 512 << 20;
    /**
     * glibc tunables for start-up that serve every block, however large, from one heap (one arena, no mmap) and never
     * trim it on their own (64 GiB): freed tensors are reused without page faults, from one run to the next as well
     * (trimming at 512 MiB let every run of a batch fault its memory in again: int8 128 -> 512 16-19 s against 12.5 s).
     * {@link #releaseFreeMemory} gives the memory back when the work is done.
     */
    public static final String HEAP_TUNABLES =
            "glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=" + (64L << 30);
    /**
     * jemalloc's options for the launchers' {@code MALLOC_CONF}: freed pages are never returned to the system on their
     * own (jemalloc's default decay of 10 s let every run of a batch fault its memory in again: int8 128 -> 512 19-21 s
     * against 12 s), only by {@link #releaseFreeMemory}.
     */
    public static final String JEMALLOC_CONF = "dirty_decay_ms:-1,muzzy_decay_ms:-1";
    /** jemalloc's {@code MALLCTL_ARENAS_ALL}: the arena index that means every arena. */
    private static final int ALL_ARENAS = 4096;
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_THRESHOLD = -3;

    interface GlibC extends Library {
        int mallopt(int param, int value);

        int malloc_trim(long pad);
    }

    private static boolean configured;
    private static GlibC glibc;

    private NativeAllocator() {
    }

    /**
     * Applies the settings once per process where they apply.
     *
     * @return whether they were applied (now or before)
     */
    public static synchronized boolean configure() {
        if (configured) {
            return true;
        }
        if (!Platform.isLinux() || Platform.isAndroid() || "false".equals(System.getProperty(PROPERTY))
                || userTuned() || jemalloc()) {
            return false;
        }
        try {
            GlibC c = glibc();
            // mallopt returns 1 on success; a libc without these parameters (musl) has no mallopt: linkage error
            configured = c.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
                    && c.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1;
        } catch (UnsatisfiedLinkError e) {
            configured = false;
        }
        return configured;
    }

    /**
     * Whether this process was started with {@link #HEAP_TUNABLES} (a launcher set them): every tensor comes from the
     * heap.
     */
    public static boolean heapOnly() {
        String tunables = Platform.isLinux() ? ProcessEnvironment.get("GLIBC_TUNABLES") : null;
        return tunables != null && tunables.contains(HEAP_TUNABLES);
    }

    /** Whether this process's malloc is jemalloc (a launcher preloaded it): its {@code mallctl} is linked in. */
    public static boolean jemalloc() {
        return mallctl() != null;
    }

    private static Function mallctl() {
        if (!Platform.isLinux()) {
            return null;
        }
        try {
            return NativeLibrary.getProcess().getFunction("mallctl");
        } catch (UnsatisfiedLinkError e) {
            return null;
        }
    }

    /**
     * Gives the free pages back to the system: jemalloc's arenas purged ({@code arena.<all>.purge}) where it is the
     * allocator, the heaps trimmed ({@code malloc_trim(0)}) where {@link #heapOnly}; both otherwise keep a run's
     * peak. Cheap when little is free.
     *
     * @return whether memory was returned
     */
    public static boolean releaseFreeMemory() {
        Function mallctl = mallctl();
        if (mallctl != null) {
            return mallctl.invokeInt(new Object[] {"arena." + ALL_ARENAS + ".purge", null, null, null, 0L}) == 0;
        }
        if (!heapOnly()) {
            return false;
        }
        try {
            return glibc().malloc_trim(0) == 1;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    private static synchronized GlibC glibc() {
        if (glibc == null) {
            glibc = Native.load(Platform.C_LIBRARY_NAME, GlibC.class);
        }
        return glibc;
    }

    private static boolean userTuned() {
        String tunables = ProcessEnvironment.get("GLIBC_TUNABLES");
        return tunables != null && tunables.contains("glibc.malloc.")
                || ProcessEnvironment.get("MALLOC_MMAP_THRESHOLD_") != null
                || ProcessEnvironment.get("MALLOC_TRIM_THRESHOLD_") != null;
    }
}
