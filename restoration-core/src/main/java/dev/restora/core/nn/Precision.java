package dev.restora.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * The compute precision of a network instance, chosen when it is built.
 *
 * <p>{@link #FLOAT32} is the exact path. {@link #FLOAT16} is APPROXIMATE and follows what
 * {@code torch.autocast(device_type='cuda', dtype=torch.float16)} does (PyTorch AMP docs, "Autocast Op Reference";
 * {@code aten/src/ATen/autocast_mode.h}): the ops of its lower-precision list (conv2d, linear, matmul / bmm)
 * compute in float16, with their weights converted to float16 once when the network is built (a layer knows it is
 * half from its weight's type); the ops of its float32 list (group_norm, layer_norm, softmax, exp, log, pow, sum)
 * compute in float32 and return float32; every other op follows type promotion (float16 with float32 gives
 * float32). Half precision is meant for GPUs: on a CPU the engine's float16 convolutions are slower than float32
 * (design/djl-setup.md). Never bfloat16, which DJL cannot hold.
 */
public enum Precision {
    FLOAT32,
    FLOAT16;

    /** The parameter value: {@code float32} or {@code float16}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** From {@link #id()}; a clear message for anything else. */
    public static Precision parse(String id) {
        for (Precision p : values()) {
            if (p.id().equals(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("precision must be float32 or float16, got '" + id + "'");
    }

    /** {@code x} as float16 (itself when it already is): the cast autocast applies to a lower-precision op's inputs. */
    public static NDArray half(NDArray x) {
        return x == null || x.getDataType() == DataType.FLOAT16 ? x : x.toType(DataType.FLOAT16, false);
    }

    /** {@code x} as float32 (itself when it already is): autocast's float32 ops, or type promotion to float32. */
    public static NDArray float32(NDArray x) {
        return x == null || x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
    }

    /**
     * softmax over {@code axis}: on float32 logits the plain softmax; on float16 logits autocast's softmax (computed
     * and returned in float32) followed by the float16 cast of the product with the values that always comes next
     * in attention, so that the result has the logits' type.
     */
    public static NDArray softmax(NDArray logits, int axis) {
        if (logits.getDataType() != DataType.FLOAT16) {
            return logits.softmax(axis);
        }
        return logits.toType(DataType.FLOAT32, false).softmax(axis).toType(DataType.FLOAT16, false);
    }
}
