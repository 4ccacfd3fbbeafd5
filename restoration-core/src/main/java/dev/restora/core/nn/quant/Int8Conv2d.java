package dev.restora.core.nn.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.IValue;
import dev.restora.core.nn.Conv2dLayer;
import dev.restora.core.nn.MacCounter;
import dev.restora.core.nn.MemoryFormat;
import dev.restora.core.nn.Padding;
import dev.restora.core.nn.PaddingMode;

/**
 * A convolution run in int8 (static post-training quantization): weights quantized symmetrically per output channel
 * ({@code scale_c = max|w_c| / 127}), the input and output quantized per tensor with calibrated ranges, int32
 * accumulation, float32 bias; the result is dequantized to float32 so the rest of the network is unchanged.
 * Non-zero padding modes pad in float32 first, as {@link Conv2dLayer} does.
 */
public final class Int8Conv2d implements AutoCloseable {
    /**
     * System property: with true, the float32-output kernel (oneDNN's {@code qconv2d_pointwise}: no output
     * requantization, 2.4 dB closer to exact over a ResShift run, but 6 % slower per run); by default the quint8-output
     * kernel followed by a dequantization. Read at every call, for A/B.
     */
    public static final String FLOAT_OUTPUT_PROPERTY = "restora.int8.floatOutput";

    private final Conv2dLayer conv;
    private final ActivationQuant in;
    private final ActivationQuant out;
    private final boolean padFirst;
    private final long macsPerOutput;
    private final LazyPacked packed = new LazyPacked(this::pack);
    private final LazyPacked packedFloatOut = new LazyPacked(this::packFloatOut);
    /**
     * the float32 weight scales and bias the float32-output kernel takes at every call, made with its packing (under
     * {@link LazyPacked}'s lock, so a caller of its get() sees them)
     */
    private NDManager floatOutArrays;
    private NDArray scales;
    private NDArray bias;

    public Int8Conv2d(Conv2dLayer conv, ActivationQuant in, ActivationQuant out) {
        this.conv = conv;
        this.in = in;
        this.out = out;
        this.padFirst = conv.paddingMode() != PaddingMode.ZEROS && conv.padding() > 0;
        Shape k = conv.weight().getShape();
        this.macsPerOutput = k.get(1) * k.get(2) * k.get(3);
    }

    /**
     * Whether int8 pays for {@code conv}: not grouped, at least 16 channels on either side, any kernel size (1x1
     * included: on channels-last maps a 192 -> 768 1x1 at 64x64 takes a third of its float32 time).
     */
    public static boolean eligible(Conv2dLayer conv) {
        Shape k = conv.weight().getShape();
        return conv.groups() == 1 && k.get(0) >= 16 && k.get(1) >= 16;
    }

    /**
     * The symmetric per-output-channel weight scales {@code max|w_c| / 127} (1 for an all-zero channel) of a weight
     * [out, ...] (a convolution's or a linear layer's).
     */
    public static float[] weightScales(NDArray weight) {
        long out = weight.getShape().get(0);
        float[] amax = weight.abs().reshape(out, -1).max(new int[] {1}).toFloatArray();
        float[] s = new float[amax.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = amax[i] > 0 ? amax[i] / 127f : 1f;
        }
        return s;
    }

    public ActivationQuant inputQuant() {
        return in;
    }

    public ActivationQuant outputQuant() {
        return out;
    }

    private IValue pack() {
        NDArray w = conv.weight();
        try (NDManager m = w.getManager().newSubManager()) {
            long n = w.getShape().get(0);
            NDArray scales = m.create(weightScales(w), new Shape(n));
            NDArray bias = conv.bias() != null ? conv.bias() : m.zeros(new Shape(n));
            return QuantHelper.get().prepack(w, scales, bias, conv.stride(), padFirst ? 0 : conv.padding(),
                    conv.dilation(), conv.groups());
        }
    }

    private IValue packFloatOut() {
        NDArray w = conv.weight();
        long n = w.getShape().get(0);
        // packing happens on first use, inside a network call: the arrays are this layer's own (a manager of its
        // own, and out of the NDScope of the step, which would close them when the step ends)
        floatOutArrays = w.getManager().newSubManager();
        scales = floatOutArrays.create(weightScales(w), new Shape(n));
        bias = conv.bias() != null ? conv.bias() : floatOutArrays.zeros(new Shape(n));
        NDScope.unregister(scales, bias);
        return QuantHelper.get().prepackFloatOut(w, scales, in, conv.stride(), padFirst ? 0 : conv.padding(),
                conv.dilation(), conv.groups());
    }

    /**
     * The int8 convolution of {@code x} in float32: by default requantized to the calibrated output range and
     * dequantized; with {@code -Drestora.int8.floatOutput=true} straight from the int32 accumulator.
     */
    public NDArray forward(NDArray x) {
        NDArray input = x;
        if (padFirst) {
            int p = conv.padding();
            input = Padding.pad(x, conv.paddingMode(), p, p, p, p);
        }
        NDArray y;
        if (Boolean.getBoolean(FLOAT_OUTPUT_PROPERTY)) {
            IValue p = packedFloatOut.get();
            y = QuantHelper.get().convFloatOut(p, input, in, scales, bias, conv.stride(),
                    padFirst ? 0 : conv.padding(), conv.dilation(), conv.groups(), MemoryFormat.enabled());
        } else {
            y = QuantHelper.get().conv(packed.get(), input, in, out, MemoryFormat.enabled());
        }
        MacCounter.matMul(y.size(), macsPerOutput, 1);
        return y;
    }

    /** Frees the packed weights. */
    @Override
    public synchronized void close() {
        packed.close();
        packedFloatOut.close();
        if (floatOutArrays != null) {
            floatOutArrays.close();
            floatOutArrays = null;
        }
    }
}
