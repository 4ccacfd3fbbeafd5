package dev.restora.core.engine;

import com.sun.jna.Library;
import com.sun.jna.Native;
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
 */
public final class NativeAllocator {
    /** System property: tune glibc's allocator at start-up (default true). */
    public static final String PROPERTY = "restora.malloc.tune";
    /** glibc's largest allowed mmap threshold (HEAP_MAX_SIZE / 2 on 64-bit). */
    static final int MMAP_THRESHOLD = 32 << 20;
    /** Free memory kept in the heaps before glibc returns it to the system. */
    static final int TRIM_THRESHOLD = 512 << 20;
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_THRESHOLD = -3;

    interface GlibC extends Library {
        int mallopt(int param, int value);
    }

    private static boolean configured;

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
                || userTuned()) {
            return false;
        }
        try {
            GlibC c = Native.load(Platform.C_LIBRARY_NAME, GlibC.class);
            // mallopt returns 1 on success; a libc without these parameters (musl) has no mallopt: linkage error
            configured = c.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
                    && c.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1;
        } catch (UnsatisfiedLinkError e) {
            configured = false;
        }
        return configured;
    }

    private static boolean userTuned() {
        String tunables = ProcessEnvironment.get("GLIBC_TUNABLES");
        return tunables != null && tunables.contains("glibc.malloc.")
                || ProcessEnvironment.get("MALLOC_MMAP_THRESHOLD_") != null
                || ProcessEnvironment.get("MALLOC_TRIM_THRESHOLD_") != null;
    }
}
