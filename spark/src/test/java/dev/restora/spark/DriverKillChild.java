package dev.restora.spark;

import dev.restora.core.batch.ItemState;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A driver JVM (local mode: driver and executor in one process) killed outright once {@code args[0]} items are
 * done: {@code Runtime.halt}, as {@code kill -9} would, no shutdown hooks, tasks mid-item. The rest of the
 * arguments go to {@link RestoraSpark}.
 */
public final class DriverKillChild {
    private DriverKillChild() {
    }

    public static void main(String[] args) {
        int after = Integer.parseInt(args[0]);
        AtomicInteger done = new AtomicInteger();
        PartitionRunner.hook = (o, ctx) -> {
            if (o.state() == ItemState.DONE && done.incrementAndGet() == after) {
                Runtime.getRuntime().halt(137);
            }
        };
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        System.exit(RestoraSpark.run(rest, new java.io.PrintWriter(System.out, true),
                new java.io.PrintWriter(System.err, true)));
    }
}
