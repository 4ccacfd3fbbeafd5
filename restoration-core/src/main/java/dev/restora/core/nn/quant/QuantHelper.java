package dev.restora.core.nn.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import dev.restora.core.RestoraException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The TorchScript helper of quantized operations DJL lacks ({@code quant-helper.pt}, made by
 * {@code restoration-core/scripts/make_quant_helper.py} with torch 1.13; no weights, no network): per-channel weight
 * quantization with packing for the engine's int8 convolution, and a static int8 convolution that quantizes its
 * float32 input and dequantizes its output, a dynamic int8 linear layer (per-channel weights, the input quantized
 * from its own range at each call) and a bfloat16 attention. Loaded once per process.
 *
 * <p>The packed weights are a TorchScript custom-class object that DJL cannot convert; they stay an opaque
 * {@link IValue} handle, returned by {@link #prepack} and handed back to {@link #conv} (closing it frees them).
 */
public final class QuantHelper {
    private static final String RESOURCE = "quant-helper.pt";
    private static QuantHelper instance;

    private final PtSymbolBlock module;

    private QuantHelper(PtSymbolBlock module) {
        this.module = module;
    }

    /** The loaded helper; a clear error where the engine is not PyTorch. */
    public static synchronized QuantHelper get() {
        if (instance == null) {
            instance = load();
        }
        return instance;
    }

    private static QuantHelper load() {
        try (InputStream in = QuantHelper.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the class path");
            }
            String engine = ai.djl.engine.Engine.getInstance().getEngineName();
            if (!"PyTorch".equals(engine)) {
                throw new RestoraException("the int8 fast mode needs the PyTorch engine (this run uses " + engine + ")");
            }
            // a manager of its own that is never closed: the module lives as long as the process
            PtNDManager owner = (PtNDManager) NDManager.newBaseManager();
            return new QuantHelper(ai.djl.pytorch.jni.JniUtils.loadModule(owner, in, false, false));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the TorchScript helper " + RESOURCE, e);
        } catch (LinkageError | ai.djl.engine.EngineException e) {
            throw new RestoraException("the int8 fast mode needs the PyTorch engine: " + e.getMessage(), e);
        }
    }

    /**
     * The weights {@code w} [out, in/groups, kh, kw] quantized symmetrically per output channel with {@code scales}
     * [out] and packed for the int8 convolution; {@code bias} [out] stays float32. Close the result to free it.
     */
    public IValue prepack(NDArray w, NDArray scales, NDArray bias, int stride, int padding, int dilation, int groups) {
        IValue[] args = {IValue.from((PtNDArray) w), IValue.from((PtNDArray) scales), IValue.from((PtNDArray) bias),
            IValue.from((long) stride), IValue.from((long) padding), IValue.from((long) dilation),
            IValue.from((long) groups)};
        try {
            return IValueUtils.runMethod(module, "prepack", args);
        } finally {
            closeAll(args);
        }
    }

    /**
     * The int8 convolution of {@code x} with {@code packed}: x quantized to quint8 ({@code in}), int32 accumulation,
     * the result requantized ({@code out}) and dequantized to float32, channels-last or row-major. The result
     * belongs to x's manager.
     */
    public NDArray conv(IValue packed, NDArray x, ActivationQuant in, ActivationQuant out, boolean channelsLast) {
        IValue[] args = {IValue.from((PtNDArray) x), IValue.from(in.scale()), IValue.from((long) in.zeroPoint()),
            IValue.from(out.scale()), IValue.from((long) out.zeroPoint()), IValue.from(channelsLast)};
        IValue[] all = {packed, args[0], args[1], args[2], args[3], args[4], args[5]};
        try (IValue r = IValueUtils.runMethod(module, "conv", all)) {
            return r.toTensor((PtNDManager) x.getManager());
        } finally {
            closeAll(args);
        }
    }

    /**
     * The weights {@code w} [out, in/groups, kh, kw] quantized symmetrically per output channel with {@code scales}
     * [out] and packed for oneDNN's int8 convolution with a float32 output, for inputs quantized with {@code in}.
     * The result is an opaque tensor handle for {@link #convFloatOut}; close it to free it.
     */
    public IValue prepackFloatOut(NDArray w, NDArray scales, ActivationQuant in, int stride, int padding,
                                  int dilation, int groups) {
        IValue[] args = {IValue.from((PtNDArray) w), IValue.from((PtNDArray) scales), IValue.from(in.scale()),
            IValue.from((long) in.zeroPoint()), IValue.from((long) stride), IValue.from((long) padding),
            IValue.from((long) dilation), IValue.from((long) groups)};
        try {
            return IValueUtils.runMethod(module, "prepack_float_out", args);
        } finally {
            closeAll(args);
        }
    }

    /**
     * The int8 convolution of {@code x} with {@code packed} ({@link #prepackFloatOut}): x quantized to uint8
     * ({@code in}), int32 accumulation scaled back by {@code in.scale() * scales} with the float32 {@code bias} added,
     * written as float32, channels-last or row-major. The result belongs to x's manager.
     */
    public NDArray convFloatOut(IValue packed, NDArray x, ActivationQuant in, NDArray scales, NDArray bias, int stride,
                                int padding, int dilation, int groups, boolean channelsLast) {
        IValue[] args = {IValue.from((PtNDArray) x), IValue.from(in.scale()), IValue.from((long) in.zeroPoint()),
            IValue.from((PtNDArray) scales), IValue.from((PtNDArray) bias), IValue.from((long) stride),
            IValue.from((long) padding), IValue.from((long) dilation), IValue.from((long) groups),
            IValue.from(channelsLast)};
        IValue[] all = {packed, args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7], args[8],
            args[9]};
        try (IValue r = IValueUtils.runMethod(module, "conv_float_out", all)) {
            return r.toTensor((PtNDManager) x.getManager());
        } finally {
            closeAll(args);
        }
    }

    /**
     * The weights {@code w} [out, in] quantized symmetrically per output channel with {@code scales} [out] and packed
     * for the int8 linear layer with the float32 {@code bias} [out]. Close the result to free it.
     */
    public IValue prepackLinear(NDArray w, NDArray scales, NDArray bias) {
        IValue[] args = {IValue.from((PtNDArray) w), IValue.from((PtNDArray) scales), IValue.from((PtNDArray) bias)};
        try {
            return IValueUtils.runMethod(module, "linear_prepack", args);
        } finally {
            closeAll(args);
        }
    }

    /**
     * The dynamic int8 linear layer of {@code x} [..., in] with {@code packed}: x quantized per tensor from its own
     * range, int32 accumulation, float32 result [..., out] in x's manager.
     */
    public NDArray linear(IValue packed, NDArray x) {
        try (IValue in = IValue.from((PtNDArray) x);
             IValue r = IValueUtils.runMethod(module, "linear", packed, in)) {
            return r.toTensor((PtNDManager) x.getManager());
        }
    }

    /**
     * softmax(q k^T * scale) v with both products in bfloat16 and the softmax computed in float32 (float32 q, k, v
     * [..., N, d]), the queries in chunks of {@code chunk} rows; the float32 result belongs to q's manager.
     */
    public NDArray attentionBf16(NDArray q, NDArray k, NDArray v, double scale, long chunk) {
        IValue[] args = {IValue.from((PtNDArray) q), IValue.from((PtNDArray) k), IValue.from((PtNDArray) v),
            IValue.from(scale), IValue.from(chunk)};
        try (IValue r = IValueUtils.runMethod(module, "attention_bf16", args)) {
            return r.toTensor((PtNDManager) q.getManager());
        } finally {
            closeAll(args);
        }
    }

    private static void closeAll(IValue[] values) {
        for (IValue v : values) {
            v.close();
        }
    }
}
