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
        return TorchHelper.INSTANCE.channelsLast(x);
    }

    /** Whether {@code x} is laid out channels-last (false where the helper is unavailable). For tests and checks. */
    public static boolean isChannelsLast(NDArray x) {
        return TorchHelper.INSTANCE != null && TorchHelper.INSTANCE.isChannelsLast(x);
    }
}
