package dev.restora.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Channels-last ("NHWC in memory") layout for 4-D activations: float32 convolutions run 1.2-1.4x (3x3) and up to
 * 1.85x (1x1) faster on it on CPU, and element-wise operations, concatenation of channels-last inputs, batch norm and
 * the engine's reductions keep it (design/djl-setup.md). DJL has no API for memory formats, so the change is made by
 * a tiny TorchScript helper ({@code memory-format.pt}, made by {@code restoration-core/scripts/
 * make_memory_format_helper.py}; it holds no weights), loaded once. The layout never changes values: results are
 * the same up to the order of floating-point sums inside the convolution kernels.
 *
 * <p>On by default; {@code -Drestora.nn.channelsLast=false} turns it off (read at every call, so a benchmark can
 * compare both in one process). Off, or where the engine is not PyTorch, every method returns its input unchanged.
 */
public final class MemoryFormat {
    /** System property switching the channels-last path (default true). */
    public static final String PROPERTY = "restora.nn.channelsLast";
    private static final String RESOURCE = "memory-format.pt";

    private MemoryFormat() {
    }

    /** Whether layers should work channels-last now (the property, and the helper loaded). */
    public static boolean enabled() {
        return !"false".equals(System.getProperty(PROPERTY)) && Helper.INSTANCE != null;
    }

    /** {@code x} laid out channels-last (itself when it already is, or when not 4-D, or when disabled). */
    public static NDArray channelsLast(NDArray x) {
        if (x.getShape().dimension() != 4 || !enabled()) {
            return x;
        }
        return Helper.INSTANCE.call(x);
    }

    /** Whether {@code x} is laid out channels-last (false where the helper is unavailable). For tests and checks. */
    public static boolean isChannelsLast(NDArray x) {
        return Helper.INSTANCE != null && Helper.INSTANCE.isChannelsLast(x);
    }

    /** The loaded helper, or null when it cannot be loaded (another engine): then layouts are left alone. */
    private static final class Helper {
        static final Helper INSTANCE = load();
        private final ai.djl.pytorch.engine.PtSymbolBlock module;

        private Helper(ai.djl.pytorch.engine.PtSymbolBlock module) {
            this.module = module;
        }

        private static Helper load() {
            try (InputStream in = MemoryFormat.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + RESOURCE + " is missing from the class path");
                }
                if (!"PyTorch".equals(ai.djl.engine.Engine.getInstance().getEngineName())) {
                    return null;
                }
                // a manager of its own that is never closed: the module lives as long as the process
                ai.djl.pytorch.engine.PtNDManager owner = (ai.djl.pytorch.engine.PtNDManager)
                        ai.djl.ndarray.NDManager.newBaseManager();
                return new Helper(ai.djl.pytorch.jni.JniUtils.loadModule(owner, in, false, false));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the memory-format helper " + RESOURCE, e);
            } catch (LinkageError | ai.djl.engine.EngineException e) {
                return null; // the PyTorch engine is not on the class path
            }
        }

        NDArray call(NDArray x) {
            NDArray out = ai.djl.pytorch.jni.IValueUtils.forward(module, new NDList(x), false).singletonOrThrow();
            if (out.getManager() != x.getManager()) {
                out.attach(x.getManager());
            }
            return out;
        }

        boolean isChannelsLast(NDArray x) {
            try (ai.djl.pytorch.jni.IValue v = ai.djl.pytorch.jni.IValue.from((ai.djl.pytorch.engine.PtNDArray) x);
                 ai.djl.pytorch.jni.IValue r = ai.djl.pytorch.jni.IValueUtils.runMethod(module, "is_channels_last", v)) {
                return r.toBoolean();
            }
        }
    }
}
