package dev.restora.core.nn.quant;

import ai.djl.pytorch.jni.IValue;
import java.util.function.Supplier;

/**
 * A layer's weights packed for a quantized kernel ({@link QuantHelper}'s opaque handle), made on first use and freed
 * by {@link #close} (packed again if used after that).
 */
final class LazyPacked implements AutoCloseable {
    private final Supplier<IValue> pack;
    private IValue value;

    LazyPacked(Supplier<IValue> pack) {
        this.pack = pack;
    }

    synchronized IValue get() {
        if (value == null) {
            value = pack.get();
        }
        return value;
    }

    @Override
    public synchronized void close() {
        if (value != null) {
            value.close();
            value = null;
        }
    }
}
