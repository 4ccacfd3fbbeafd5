package dev.restora.core.nn;

import ai.djl.ndarray.NDArray;
import dev.restora.core.checkpoint.StateDict;

/** torch.nn.Linear: y = x W^T + b over the last axis, W of shape [out, in]. */
public final class LinearLayer {
    private final NDArray weight;
    private final NDArray bias;

    public LinearLayer(NDArray weight, NDArray bias) {
        this.weight = weight;
        this.bias = bias;
    }

    public static LinearLayer load(StateDict sd) {
        return new LinearLayer(sd.get("weight"), sd.getOptional("bias"));
    }

    public static LinearLayer load(StateDict sd, long in, long out) {
        return new LinearLayer(sd.get("weight", out, in), sd.getOptional("bias"));
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
