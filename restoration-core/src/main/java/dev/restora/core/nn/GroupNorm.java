package dev.restora.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.checkpoint.StateDict;

/**
 * torch.nn.GroupNorm on N x C x ... tensors, computed in float32 whatever the input type (the official
 * GroupNorm32 of guided-diffusion does the same), with the biased variance.
 */
public final class GroupNorm {
    private final int groups;
    private final double eps;
    private final NDArray weight;
    private final NDArray bias;

    public GroupNorm(int groups, double eps, NDArray weight, NDArray bias) {
        this.groups = groups;
        this.eps = eps;
        this.weight = weight;
        this.bias = bias;
        if (weight != null && weight.getShape().get(0) % groups != 0) {
            throw new IllegalArgumentException(weight.getShape().get(0) + " channels do not split into " + groups + " groups");
        }
    }

    public static GroupNorm load(StateDict sd, int groups, double eps) {
        return new GroupNorm(groups, eps, sd.get("weight"), sd.get("bias"));
    }

    public NDArray forward(NDArray x) {
        DataType type = x.getDataType();
        NDArray f = type == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        Shape shape = f.getShape();
        long n = shape.get(0);
        long c = shape.get(1);
        NDArray g = f.reshape(n, groups, -1);
        NDArray mean = g.mean(new int[] {2}, true);
        NDArray centred = g.sub(mean);
        NDArray var = centred.square().mean(new int[] {2}, true);
        NDArray normed = centred.div(var.add(eps).sqrt()).reshape(shape);
        if (weight != null) {
            long[] bshape = new long[(int) shape.dimension()];
            java.util.Arrays.fill(bshape, 1);
            bshape[1] = c;
            // reshape() attaches its result to the weight's long-lived manager: move the views to this call's scope
            NDArray w = weight.reshape(bshape);
            NDArray b = bias.reshape(bshape);
            w.attach(normed.getManager());
            b.attach(normed.getManager());
            normed = normed.mul(w).add(b);
        }
        return type == DataType.FLOAT32 ? normed : normed.toType(type, false);
    }
}
