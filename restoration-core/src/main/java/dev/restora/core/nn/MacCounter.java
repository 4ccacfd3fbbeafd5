package dev.restora.core.nn;

/**
 * Counts the multiply-accumulates of the convolutions, linear layers and attention products run on this thread while
 * a count is open, for benchmarks' GFLOP/s (2 FLOPs per MAC). Element-wise work and norms are not counted.
 * Costs one thread-local read per layer call when no count is open.
 */
public final class MacCounter implements AutoCloseable {
    private static final ThreadLocal<MacCounter> OPEN = new ThreadLocal<>();
    private final MacCounter outer;
    private long macs;

    private MacCounter() {
        this.outer = OPEN.get();
    }

    /** Starts counting on this thread until {@link #close()} (counts nest: an outer count sees the inner's MACs). */
    public static MacCounter start() {
        MacCounter c = new MacCounter();
        OPEN.set(c);
        return c;
    }

    /** Adds {@code n} MACs to the open counts of this thread (none open: nothing happens). */
    static void add(long n) {
        for (MacCounter c = OPEN.get(); c != null; c = c.outer) {
            c.macs += n;
        }
    }

    /** A batched matrix product [..., m, k] x [..., k, n] of {@code batch * m} rows. */
    public static void matMul(long rows, long inner, long cols) {
        add(rows * inner * cols);
    }

    public long macs() {
        return macs;
    }

    @Override
    public void close() {
        OPEN.set(outer);
    }
}
