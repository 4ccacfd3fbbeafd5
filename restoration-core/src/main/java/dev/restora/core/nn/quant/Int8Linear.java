package dev.restora.core.nn.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.IValue;
import dev.restora.core.nn.LinearLayer;
import dev.restora.core.nn.MacCounter;

/**
 * A linear layer run in int8 by dynamic quantization: weights symmetric per output channel as in {@link Int8Conv2d},
 * the input quantized per tensor from its own range at every call (so no calibration), int32 accumulation, float32
 * bias and output. Inputs of fewer than {@value #MIN_ROWS} rows (a time embedding) stay float32: there the per-call
 * quantization costs more than the product.
 */
public final class Int8Linear implements AutoCloseable {
    /** Rows (tokens) from which the int8 product pays (a Swin window attention has thousands). */
    static final long MIN_ROWS = 64;

    private final LinearLayer layer;
    private final LazyPacked packed = new LazyPacked(this::pack);

    public Int8Linear(LinearLayer layer) {
        this.layer = layer;
    }

    /** Whether int8 can serve {@code layer}: float32 weights, at least 16 features on either side. */
    public static boolean eligible(LinearLayer layer) {
        Shape w = layer.weight().getShape();
        return layer.weight().getDataType() == DataType.FLOAT32 && w.get(0) >= 16 && w.get(1) >= 16;
    }

    private IValue pack() {
        NDArray w = layer.weight();
        try (NDManager m = w.getManager().newSubManager()) {
            long n = w.getShape().get(0);
            NDArray scales = m.create(Int8Conv2d.weightScales(w), new Shape(n));
            NDArray bias = layer.bias() != null ? layer.bias() : m.zeros(new Shape(n));
            return QuantHelper.get().prepackLinear(w, scales, bias);
        }
    }

    public NDArray forward(NDArray x) {
        long in = layer.weight().getShape().get(1);
        if (x.getDataType() != DataType.FLOAT32 || x.size() / in < MIN_ROWS) {
            return layer.forwardFloat(x);
        }
        NDArray y = QuantHelper.get().linear(packed.get(), x);
        MacCounter.matMul(y.size(), in, 1);
        return y;
    }

    /** Frees the packed weights. */
    @Override
    public void close() {
        packed.close();
    }
}
