package dev.restora.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The tiny TorchScript helper for the few operations DJL lacks ({@code torch-helper.pt}, made by
 * {@code restoration-core/scripts/make_torch_helper.py}; no weights, no network): memory-format changes and a fused
 * SiLU, torch's group norm (with a channels-last CPU kernel) optionally fused with SiLU, and torch's fused
 * scaled dot-product attention. Loaded once; {@link #INSTANCE} is null where the engine is not PyTorch, and callers then fall back to plain
 * DJL operations.
 */
final class TorchHelper {
    private static final String RESOURCE = "torch-helper.pt";
    static final TorchHelper INSTANCE = load();

    private final ai.djl.pytorch.engine.PtSymbolBlock module;

    private TorchHelper(ai.djl.pytorch.engine.PtSymbolBlock module) {
        this.module = module;
    }

    private static TorchHelper load() {
        try (InputStream in = TorchHelper.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the class path");
            }
            if (!"PyTorch".equals(ai.djl.engine.Engine.getInstance().getEngineName())) {
                return null;
            }
            // a manager of its own that is never closed: the module lives as long as the process
            ai.djl.pytorch.engine.PtNDManager owner = (ai.djl.pytorch.engine.PtNDManager)
                    ai.djl.ndarray.NDManager.newBaseManager();
            return new TorchHelper(ai.djl.pytorch.jni.JniUtils.loadModule(owner, in, false, false));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the TorchScript helper " + RESOURCE, e);
        } catch (LinkageError | ai.djl.engine.EngineException e) {
            return null; // the PyTorch engine is not on the class path
        }
    }

    /** {@code forward(x)}: x laid out channels-last; the result belongs to x's manager. */
    NDArray channelsLast(NDArray x) {
        NDArray out = ai.djl.pytorch.jni.IValueUtils.forward(module, new NDList(x), false).singletonOrThrow();
        if (out.getManager() != x.getManager()) {
            out.attach(x.getManager());
        }
        return out;
    }

    /** {@code silu(x)} in one pass; the result belongs to x's manager. */
    NDArray silu(NDArray x) {
        try (ai.djl.pytorch.jni.IValue v = ai.djl.pytorch.jni.IValue.from((ai.djl.pytorch.engine.PtNDArray) x);
             ai.djl.pytorch.jni.IValue r = ai.djl.pytorch.jni.IValueUtils.runMethod(module, "silu", v)) {
            return r.toTensor((ai.djl.pytorch.engine.PtNDManager) x.getManager());
        }
    }

    /**
     * {@code group_norm(x, groups, weight, bias, eps)}, then {@code silu} in place when {@code silu}; weight and
     * bias both null for no affine. Keeps x's layout; the result belongs to x's manager.
     */
    NDArray groupNorm(NDArray x, int groups, NDArray weight, NDArray bias, double eps, boolean silu) {
        return groupNorm((weight == null ? "group_norm" : "group_norm_affine") + (silu ? "_silu" : ""), x, groups,
                weight, bias, eps);
    }

    /** The helper's group-norm {@code method} (for tests: {@code group_norm_native} is torch's kernel alone). */
    NDArray groupNorm(String method, NDArray x, int groups, NDArray weight, NDArray bias, double eps) {
        try (ai.djl.pytorch.jni.IValue v = ai.djl.pytorch.jni.IValue.from((ai.djl.pytorch.engine.PtNDArray) x);
             ai.djl.pytorch.jni.IValue g = ai.djl.pytorch.jni.IValue.from((long) groups);
             ai.djl.pytorch.jni.IValue e = ai.djl.pytorch.jni.IValue.from(eps)) {
            if (weight == null) {
                try (ai.djl.pytorch.jni.IValue r = ai.djl.pytorch.jni.IValueUtils.runMethod(module, method, v, g, e)) {
                    return r.toTensor((ai.djl.pytorch.engine.PtNDManager) x.getManager());
                }
            }
            try (ai.djl.pytorch.jni.IValue w = ai.djl.pytorch.jni.IValue.from((ai.djl.pytorch.engine.PtNDArray) weight);
                 ai.djl.pytorch.jni.IValue b = ai.djl.pytorch.jni.IValue.from((ai.djl.pytorch.engine.PtNDArray) bias);
                 ai.djl.pytorch.jni.IValue r = ai.djl.pytorch.jni.IValueUtils.runMethod(module, method, v, g, w, b, e)) {
                return r.toTensor((ai.djl.pytorch.engine.PtNDManager) x.getManager());
            }
        }
    }

    /** {@code silu(group_norm(x, groups, weight, bias, eps) * (1 + scale) + shift)}; the result belongs to x's manager. */
    NDArray groupNormScaleShiftSilu(NDArray x, int groups, NDArray weight, NDArray bias, double eps, NDArray scale,
                                    NDArray shift) {
        try (ai.djl.pytorch.jni.IValue v = ai.djl.pytorch.jni.IValue.from((ai.djl.pytorch.engine.PtNDArray) x);
             ai.djl.pytorch.jni.IValue g = ai.djl.pytorch.jni.IValue.from((long) groups);
             ai.djl.pytorch.jni.IValue w = ai.djl.pytorch.jni.IValue.from((ai.djl.pytorch.engine.PtNDArray) weight);
             ai.djl.pytorch.jni.IValue b = ai.djl.pytorch.jni.IValue.from((ai.djl.pytorch.engine.PtNDArray) bias);
             ai.djl.pytorch.jni.IValue e = ai.djl.pytorch.jni.IValue.from(eps);
             ai.djl.pytorch.jni.IValue s = ai.djl.pytorch.jni.IValue.from((ai.djl.pytorch.engine.PtNDArray) scale);
             ai.djl.pytorch.jni.IValue t = ai.djl.pytorch.jni.IValue.from((ai.djl.pytorch.engine.PtNDArray) shift);
             ai.djl.pytorch.jni.IValue r = ai.djl.pytorch.jni.IValueUtils.runMethod(module,
                     "group_norm_affine_modulated_silu", v, g, w, b, e, s, t)) {
            return r.toTensor((ai.djl.pytorch.engine.PtNDManager) x.getManager());
        }
    }

    /**
     * {@code scaled_dot_product_attention(q, k, v, scale=scale)}: softmax(q k^T * scale) v by libtorch's fused kernel
     * (no Nq x Nk logits held at once); q, k, v of rank 4 for the fused kernel. The result belongs to q's manager.
     */
    NDArray attention(NDArray q, NDArray k, NDArray v, double scale) {
        try (ai.djl.pytorch.jni.IValue a = ai.djl.pytorch.jni.IValue.from((ai.djl.pytorch.engine.PtNDArray) q);
             ai.djl.pytorch.jni.IValue b = ai.djl.pytorch.jni.IValue.from((ai.djl.pytorch.engine.PtNDArray) k);
             ai.djl.pytorch.jni.IValue c = ai.djl.pytorch.jni.IValue.from((ai.djl.pytorch.engine.PtNDArray) v);
             ai.djl.pytorch.jni.IValue s = ai.djl.pytorch.jni.IValue.from(scale);
             ai.djl.pytorch.jni.IValue r = ai.djl.pytorch.jni.IValueUtils.runMethod(module, "attention", a, b, c, s)) {
            return r.toTensor((ai.djl.pytorch.engine.PtNDManager) q.getManager());
        }
    }

    /**
     * {@code conv_prepack}: the weight reordered once into oneDNN's blocked layout for inputs of {@code inputSize}
     * (other sizes still run, through the same packed weight). The handle owns the packed copy until closed.
     */
    ai.djl.pytorch.jni.IValue convPrepack(NDArray w, NDArray b, int stride, int padding, int dilation, int groups,
                                          long[] inputSize) {
        java.util.List<ai.djl.pytorch.jni.IValue> list = new java.util.ArrayList<>();
        list.add(ai.djl.pytorch.jni.IValue.from((ai.djl.pytorch.engine.PtNDArray) w));
        if (b != null) {
            list.add(ai.djl.pytorch.jni.IValue.from((ai.djl.pytorch.engine.PtNDArray) b));
        }
        list.add(ai.djl.pytorch.jni.IValue.from((long) stride));
        list.add(ai.djl.pytorch.jni.IValue.from((long) padding));
        list.add(ai.djl.pytorch.jni.IValue.from((long) dilation));
        list.add(ai.djl.pytorch.jni.IValue.from((long) groups));
        list.add(ai.djl.pytorch.jni.IValue.listFrom(inputSize));
        ai.djl.pytorch.jni.IValue[] args = list.toArray(new ai.djl.pytorch.jni.IValue[0]);
        try {
            return ai.djl.pytorch.jni.IValueUtils.runMethod(module, b == null ? "conv_prepack_nobias" : "conv_prepack",
                    args);
        } finally {
            for (ai.djl.pytorch.jni.IValue v : args) {
                v.close();
            }
        }
    }

    /** {@code conv_run(x, context)}: the convolution of a {@link #convPrepack} handle; the result belongs to x's manager. */
    NDArray convRun(NDArray x, ai.djl.pytorch.jni.IValue context) {
        try (ai.djl.pytorch.jni.IValue v = ai.djl.pytorch.jni.IValue.from((ai.djl.pytorch.engine.PtNDArray) x);
             ai.djl.pytorch.jni.IValue r = ai.djl.pytorch.jni.IValueUtils.runMethod(module, "conv_run", v, context)) {
            return r.toTensor((ai.djl.pytorch.engine.PtNDManager) x.getManager());
        }
    }

    /** Whether x is an inference tensor (a result of this or another TorchScript module), not updatable in place. */
    boolean isInference(NDArray x) {
        try (ai.djl.pytorch.jni.IValue v = ai.djl.pytorch.jni.IValue.from((ai.djl.pytorch.engine.PtNDArray) x);
             ai.djl.pytorch.jni.IValue r = ai.djl.pytorch.jni.IValueUtils.runMethod(module, "is_inference", v)) {
            return r.toBoolean();
        }
    }

    boolean isChannelsLast(NDArray x) {
        try (ai.djl.pytorch.jni.IValue v = ai.djl.pytorch.jni.IValue.from((ai.djl.pytorch.engine.PtNDArray) x);
             ai.djl.pytorch.jni.IValue r = ai.djl.pytorch.jni.IValueUtils.runMethod(module, "is_channels_last", v)) {
            return r.toBoolean();
        }
    }
}
