package dev.restora.core.nn;

import ai.djl.ndarray.NDArray;

/**
 * Channels-last ("NHWC in memory") layout for 4-D activations: float32 convolutions run 1.2-1.4x (3x3) and up to
 * 1.85x (1x1) faster on it on CPU, and element-wise operations, concatenation of channels-last inputs, batch norm and
 * the engine's reductions keep it (design/djl-setup.md). DJL has no API for memory formats, so the change is made by
 * the tiny TorchScript helper ({@link TorchHelper}). The layout never changes values: results are
 * the same up to the order of floating-point sums inside the convolution kernels.
 *
 * <p>On by default; {@code -Drestora.nn.channelsLast=false} turns it off, and with it the fused SiLU of
 * {@link Activations} (the whole faster exact path; read at every call, so a benchmark can
 * compare both in one process). Off, or where the engine is not PyTorch, every method returns its input unchanged.
 */
public final class MemoryFormat {
    /** System property switching the channels-last path (default true). */
    public static final String PROPERTY = "restora.nn.channelsLast";

    private static final ThreadLocal<Integer> SUSPENDED = ThreadLocal.withInitial(() -> 0);
    /** Set while {@link #conversionsDuring} counts on this thread. */
    private static final ThreadLocal<long[]> CONVERSIONS = new ThreadLocal<>();

    private MemoryFormat() {
    }

    /** Whether layers should work channels-last now (the property, the helper loaded, not suspended). */
    public static boolean enabled() {
        return !"false".equals(System.getProperty(PROPERTY)) && TorchHelper.INSTANCE != null && SUSPENDED.get() == 0;
    }

    /**
     * Turns the channels-last path off on this thread until the result is closed (nests), for a network where it
     * does not pay: measured A/B, NCSN++ ran slower channels-last (its many group norms at full resolution cost more
     * per channel than the convolutions gain).
     */
    public static Suspension suspend() {
        SUSPENDED.set(SUSPENDED.get() + 1);
        return () -> SUSPENDED.set(SUSPENDED.get() - 1);
    }

    /** Ends a {@link #suspend()}. */
    public interface Suspension extends AutoCloseable {
        @Override
        void close();
    }

    /** {@code x} laid out channels-last (itself when it already is, or when not 4-D, or when disabled). */
    public static NDArray channelsLast(NDArray x) {
        if (x.getShape().dimension() != 4 || !enabled()) {
            return x;
        }
        long[] count = CONVERSIONS.get();
        if (count != null && !TorchHelper.INSTANCE.isChannelsLast(x)) {
            count[0]++;
        }
        return TorchHelper.INSTANCE.channelsLast(x);
    }

    /**
     * Runs {@code work} and returns how many 4-D arrays {@link #channelsLast} had to lay out anew on this thread
     * meanwhile: with channels-last inputs, every one is a layout round trip inside the network (for tests).
     */
    public static long conversionsDuring(Runnable work) {
        long[] outer = CONVERSIONS.get();
        long[] count = {0};
        CONVERSIONS.set(count);
        try {
            work.run();
        } finally {
            CONVERSIONS.set(outer);
            if (outer != null) {
                outer[0] += count[0];
            }
        }
        return count[0];
    }

    /** Whether {@code x} is laid out channels-last (false where the helper is unavailable). For tests and checks. */
    public static boolean isChannelsLast(NDArray x) {
        return TorchHelper.INSTANCE != null && TorchHelper.INSTANCE.isChannelsLast(x);
    }
}
