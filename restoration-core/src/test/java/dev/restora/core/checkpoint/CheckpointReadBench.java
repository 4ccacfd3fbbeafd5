package dev.restora.core.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Bench command, not a test: prints read time and memory for a checkpoint.
 * <pre>
 * mvn -o -q -B -pl restoration-core -am test -Dtest=CheckpointReadBench -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Drestora.bench.checkpoint=/path/model.pth -Drestora.test.jvmargs="-Xmx256m -XX:MaxDirectMemorySize=4g"
 * </pre>
 * Skipped unless {@code restora.bench.checkpoint} is set.
 */
class CheckpointReadBench {
    @Test
    void readCheckpoint() throws Exception {
        String prop = System.getProperty("restora.bench.checkpoint");
        Assumptions.assumeTrue(prop != null && !prop.isEmpty(), "set -Drestora.bench.checkpoint=<file> to run");
        Path file = Path.of(prop);
        long size = Files.size(file);
        long t0 = System.nanoTime();
        CheckpointInfo info = Checkpoint.inspect(file);
        long t1 = System.nanoTime();
        System.out.printf("inspect: %d tensors, %d elements, %.1f ms%n", info.tensors().size(), info.parameterCount(),
                (t1 - t0) / 1e6);
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        for (int run = 1; run <= 2; run++) {
            readOnce(file, size, run);
        }
    }

    private static void readOnce(Path file, long size, int run) {
        try (NDManager manager = NDManager.newBaseManager()) {
            long t2 = System.nanoTime();
            Checkpoint c = Checkpoint.read(file, manager);
            long t3 = System.nanoTime();
            long elements = 0;
            for (NDArray a : c.tensors().values()) {
                elements += a.size();
            }
            long heapPeak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    heapPeak += pool.getPeakUsage().getUsed();
                }
            }
            long direct = 0;
            for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
                if (b.getName().equals("direct")) {
                    direct = b.getMemoryUsed();
                }
            }
            System.out.printf("read " + run + ": %s (%.1f MB), %d tensors, %d elements, %.1f ms (%.0f MB/s)%n", file.getFileName(),
                    size / 1e6, c.tensors().size(), elements, (t3 - t2) / 1e6, size / 1e6 / ((t3 - t2) / 1e9));
            System.out.printf("memory: heap peak %.1f MB (max heap %.0f MB), direct buffers %.1f MB%n", heapPeak / 1e6,
                    Runtime.getRuntime().maxMemory() / 1e6, direct / 1e6);
        }
    }
}
