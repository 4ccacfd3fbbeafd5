package dev.restora.core.nn;

/**
 * Counts the multiply-accumulates of the convolutions, linear layers and attention products run on this thread while
 * a count is open, for benchmarks' GFLOP/s (2 FLOPs per MAC). Element-wise work and norms are not counted.
 * Costs one thread-local read per layer call when no count is open.
 *
 * <p>The float convolutions ({@link Conv2dLayer#forwardFloat}) are also timed apart: their MACs and the wall time
 * spent inside them. At the CPU's convolution throughput that time is what an exact float32 network cannot go below,
 * so a benchmark can show how much of a call is convolution and how much is everything else.
 */
public final class MacCounter implements AutoCloseable {
    private static final ThreadLocal<MacCounter> OPEN = new ThreadLocal<>();
    private final MacCounter outer;
    private long macs;
    private long convolutionMacs;
    private long convolutionNanos;

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

    /** Whether a count is open on this thread (then a float convolution is worth timing). */
    static boolean counting() {
        return OPEN.get() != null;
    }

    /** Adds a float convolution of {@code n} MACs that took {@code nanos} to the open counts of this thread. */
    static void addConvolution(long n, long nanos) {
        for (MacCounter c = OPEN.get(); c != null; c = c.outer) {
            c.macs += n;
            c.convolutionMacs += n;
            c.convolutionNanos += nanos;
        }
    }

    /** A batched matrix product [..., m, k] x [..., k, n] of {@code batch * m} rows. */
    public static void matMul(long rows, long inner, long cols) {
        add(rows * inner * cols);
    }

    public long macs() {
        return macs;
    }

    /** The MACs of the float convolutions among {@link #macs}. */
    public long convolutionMacs() {
        return convolutionMacs;
    }

    /** The wall time spent inside the float convolutions, in seconds. */
    public double convolutionSeconds() {
        return convolutionNanos / 1e9;
    }

    @Override
    public void close() {
        OPEN.set(outer);
    }
}
