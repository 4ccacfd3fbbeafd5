package dev.restora.core.nn.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Spike: the TorchScript helper of quantized ops. */
public final class QuantHelper {
    private static final String RESOURCE = "quant-helper.pt";
    private static QuantHelper instance;

    private final PtSymbolBlock module;

    private QuantHelper(PtSymbolBlock module) {
        this.module = module;
    }

    public static synchronized QuantHelper get() {
        if (instance == null) {
            try (InputStream in = QuantHelper.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + RESOURCE + " is missing from the class path");
                }
                PtNDManager owner = (PtNDManager) ai.djl.ndarray.NDManager.newBaseManager();
                instance = new QuantHelper(ai.djl.pytorch.jni.JniUtils.loadModule(owner, in, false, false));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    public IValue prepack(NDArray w, NDArray scales, NDArray bias, int stride, int padding, int dilation, int groups) {
        IValue[] a = {IValue.from((PtNDArray) w), IValue.from((PtNDArray) scales), IValue.from((PtNDArray) bias),
            IValue.from((long) stride), IValue.from((long) padding), IValue.from((long) dilation),
            IValue.from((long) groups)};
        try {
            return IValueUtils.runMethod(module, "prepack", a);
        } finally {
            for (IValue v : a) {
                v.close();
            }
        }
    }

    public NDArray conv(IValue packed, NDArray x, double inScale, long inZp, double outScale, long outZp) {
        IValue[] a = {IValue.from((PtNDArray) x), IValue.from(inScale), IValue.from(inZp), IValue.from(outScale),
            IValue.from(outZp)};
        IValue[] all = {packed, a[0], a[1], a[2], a[3], a[4]};
        try (IValue r = IValueUtils.runMethod(module, "conv", all)) {
            return r.toTensor((PtNDManager) x.getManager());
        } finally {
            for (IValue v : a) {
                v.close();
            }
        }
    }
}
