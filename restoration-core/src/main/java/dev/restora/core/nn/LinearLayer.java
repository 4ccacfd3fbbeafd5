package dev.restora.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.restora.core.checkpoint.StateDict;

/**
 * torch.nn.Linear: y = x W^T + b over the last axis, W of shape [out, in]. A float16 weight makes the layer compute
 * in half precision as autocast does (input cast to float16, float16 out; {@link Precision}).
 */
public final class LinearLayer {
    private final NDArray weight;
    private final NDArray bias;
    /** float16 weight: autocast's linear (the input is cast to float16) */
    private final boolean half;

    public LinearLayer(NDArray weight, NDArray bias) {
        this.half = weight.getDataType() == DataType.FLOAT16;
        this.weight = weight;
        this.bias = half ? Precision.half(bias) : bias;
    }

    /** Float16 copies of the weights (made once) for a half-precision view, as everywhere below. */
    public static LinearLayer load(StateDict sd) {
        return new LinearLayer(Conv2dLayer.weight(sd, sd.get("weight")), sd.getOptional("bias"));
    }

    public static LinearLayer load(StateDict sd, long in, long out) {
        return new LinearLayer(Conv2dLayer.weight(sd, sd.get("weight", out, in)), sd.getOptional("bias"));
    }

    public long outFeatures() {
        return weight.getShape().get(0);
    }

    public NDArray weight() {
        return weight;
    }

    /** The bias, or null. */
    public NDArray bias() {
        return bias;
    }

    /** The layer's output; through the thread's {@link ConvHook} when one is installed (the int8 fast mode). */
    public NDArray forward(NDArray x) {
        ConvHook hook = ConvHook.current();
        return hook != null ? hook.linear(this, x) : forwardFloat(x);
    }

    /** The layer in its own precision (float32, or float16 for a half copy), whatever {@link ConvHook} is installed. */
    public NDArray forwardFloat(NDArray x) {
        if (half) {
            x = Precision.half(x);
        }
        NDArray y = ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
        MacCounter.add(y.size() * weight.getShape().get(1));
        return y;
    }
}
