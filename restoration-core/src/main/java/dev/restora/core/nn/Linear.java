package dev.restora.core.nn;

import ai.djl.ndarray.NDArray;
import dev.restora.core.checkpoint.StateDict;

/** torch.nn.Linear: y = x W^T + b over the last axis, W of shape [out, in]. */
public final class Linear {
    private final NDArray weight;
    private final NDArray bias;

    public Linear(NDArray weight, NDArray bias) {
        this.weight = weight;
        this.bias = bias;
    }

    public static Linear load(StateDict sd) {
        return new Linear(sd.get("weight"), sd.getOptional("bias"));
    }

    public static Linear load(StateDict sd, long in, long out) {
        return new Linear(sd.get("weight", out, in), sd.getOptional("bias"));
    }

    public long outFeatures() {
        return weight.getShape().get(0);
    }

    public NDArray forward(NDArray x) {
        NDArray y = ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
        MacCounter.add(y.size() * weight.getShape().get(1));
        return y;
    }
}
