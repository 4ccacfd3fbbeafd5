package dev.restora.core.engine;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child of {@link NativeAllocatorTest}: after the app's {@link NativeAllocator#configure}, mallocs, writes and frees a
 * tensor-sized block (128 MiB, as a 128-channel 512x512 float32 map) five times, then prints the fewest minor page
 * faults of the last four rounds (a small allocation of the JVM's between two rounds can make one of them move),
 * whether the process runs on {@link NativeAllocator#HEAP_TUNABLES} or on jemalloc, and its resident memory before and after
 * {@link NativeAllocator#releaseFreeMemory}.
 */
public final class HeapFaultsChild {
    static final long BLOCK = 128L << 20;

    private HeapFaultsChild() {
    }

    public static void main(String[] args) throws IOException {
        NativeAllocator.configure(); // as the app does at engine set-up
        touchAndFree();
        long faults = Long.MAX_VALUE;
        for (int round = 0; round < 4; round++) {
            long before = minorFaults();
            touchAndFree();
            faults = Math.min(faults, minorFaults() - before);
        }
        long rss = residentKib();
        boolean released = NativeAllocator.releaseFreeMemory();
        System.out.println("faults=" + faults + " heapOnly=" + NativeAllocator.heapOnly() + " jemalloc="
                + NativeAllocator.jemalloc() + " rssKib=" + rss + " released=" + released + " rssAfterKib="
                + residentKib());
    }

    private static void touchAndFree() {
        long address = Native.malloc(BLOCK);
        if (address == 0) {
            throw new OutOfMemoryError("malloc " + BLOCK);
        }
        new Pointer(address).setMemory(0, BLOCK, (byte) 1);
        Native.free(address);
    }

    /** Field 10 of /proc/self/stat (after the command name in parentheses). */
    private static long minorFaults() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[7]);
    }

    private static long residentKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }
}
