package dev.restora.core.nn;

import ai.djl.ndarray.NDArray;

/**
 * A per-thread replacement for {@link Conv2dLayer#forward}, {@link LinearLayer#forward} and
 * {@link Attention#scaledDotProduct}: while a hook is installed on a thread, every convolution, linear layer and
 * attention of that thread goes through it (the int8 fast mode's calibration and quantized paths,
 * dev.restora.core.nn.quant). Networks need no change; the hook calls {@link Conv2dLayer#forwardFloat},
 * {@link LinearLayer#forwardFloat} or {@link Attention#scaledDotProductFloat} for the float32 computation.
 */
public interface ConvHook {
    /** The output of {@code conv} for {@code x}. */
    NDArray forward(Conv2dLayer conv, NDArray x);

    /** The output of the linear layer {@code layer} for {@code x}; float32 unless a hook overrides it. */
    default NDArray linear(LinearLayer layer, NDArray x) {
        return layer.forwardFloat(x);
    }

    /** The attention softmax(q k^T * scale + bias) v; float32 unless a hook overrides it. */
    default NDArray attention(NDArray q, NDArray k, NDArray v, double scale, NDArray bias) {
        return Attention.scaledDotProductFloat(q, k, v, scale, bias);
    }

    /** Installs {@code hook} on this thread until the result is closed (the previous one is restored then). */
    static Installed install(ConvHook hook) {
        ConvHook previous = Holder.CURRENT.get();
        Holder.CURRENT.set(hook);
        return () -> Holder.CURRENT.set(previous);
    }

    /** The hook installed on this thread, or null. */
    static ConvHook current() {
        return Holder.CURRENT.get();
    }

    /** Ends an {@link #install}. */
    interface Installed extends AutoCloseable {
        @Override
        void close();
    }

    /** The per-thread slot. */
    final class Holder {
        private static final ThreadLocal<ConvHook> CURRENT = new ThreadLocal<>();

        private Holder() {
        }
    }
}
