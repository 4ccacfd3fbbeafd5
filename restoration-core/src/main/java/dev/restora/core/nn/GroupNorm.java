package dev.restora.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.checkpoint.StateDict;

/**
 * torch.nn.GroupNorm on N x C x ... tensors, computed in float32 whatever the input type (the official
 * GroupNorm32 of guided-diffusion does the same), with the biased variance.
 *
 * <p>Where the TorchScript helper is loaded, the group norm runs there, optionally fused with the SiLU that follows
 * almost every group norm in these networks ({@link #forwardSilu}): torch's own group norm on row-major maps (the
 * operation the official code calls); on channels-last maps exact per-channel moments (torch's batch-norm statistics
 * kernel, two passes) combined per group, which keeps the layout (torch's channels-last group norm takes
 * E[x^2] - E[x]^2 in float32 and loses digits on maps with a large mean).
 * {@code -Drestora.nn.nativeGroupNorm=false} selects the DJL-only paths below instead (read at every call, for A/B
 * benchmarks). The helper's results are inference tensors: never update them in place (see {@link Residual}).
 */
public final class GroupNorm {
    /** System property switching torch's group norm through the helper (default true). */
    public static final String NATIVE_PROPERTY = "restora.nn.nativeGroupNorm";

    private final int groups;
    private final double eps;
    private final NDArray weight;
    private final NDArray bias;
    /** weight and bias as [C, 1] columns, made once so that forward adds nothing to the weights' manager */
    private final NDArray weightColumn;
    private final NDArray biasColumn;
    /** the same as [C, 1, 1], broadcasting over N x C x H x W */
    private final NDArray weightMap;
    private final NDArray biasMap;

    public GroupNorm(int groups, double eps, NDArray weight, NDArray bias) {
        this.groups = groups;
        this.eps = eps;
        this.weight = weight;
        this.bias = bias;
        if (weight != null && weight.getShape().get(0) % groups != 0) {
            throw new IllegalArgumentException(weight.getShape().get(0) + " channels do not split into " + groups + " groups");
        }
        if ((weight == null) != (bias == null)) {
            throw new IllegalArgumentException("group norm needs both weight and bias, or neither");
        }
        this.weightColumn = weight == null ? null : weight.reshape(-1, 1);
        this.biasColumn = bias == null ? null : bias.reshape(-1, 1);
        this.weightMap = weight == null ? null : weight.reshape(-1, 1, 1);
        this.biasMap = bias == null ? null : bias.reshape(-1, 1, 1);
    }

    public static GroupNorm load(StateDict sd, int groups, double eps) {
        return new GroupNorm(groups, eps, sd.get("weight"), sd.get("bias"));
    }

    /** Whether torch's group norm through the helper is used now. */
    static boolean nativeEnabled() {
        return TorchHelper.INSTANCE != null && !"false".equals(System.getProperty(NATIVE_PROPERTY));
    }

    /**
     * {@code silu(forward(x))}: for float32 input with the helper, in one call (the SiLU applied in place to the
     * fresh normalised array); otherwise the two steps, the SiLU in x's own type as the official code does.
     */
    public NDArray forwardSilu(NDArray x) {
        if (x.getDataType() == DataType.FLOAT32 && nativeEnabled()) {
            return TorchHelper.INSTANCE.groupNorm(x, groups, weight, bias, eps, true);
        }
        return Activations.silu(forward(x));
    }

    /**
     * {@code silu(forward(x) * (1 + scale) + shift)}, the scale-shift norm of guided diffusion's ResBlock
     * ({@code use_scale_shift_norm}), with {@code scale} and {@code shift} broadcasting as [N, C, 1, 1]: for float32
     * input with the helper and an affine norm in one call, otherwise step by step in x's own type. Results produced
     * by the helper must not be changed in place (they are inference tensors).
     */
    public NDArray forwardScaleShiftSilu(NDArray x, NDArray scale, NDArray shift) {
        if (x.getDataType() == DataType.FLOAT32 && weight != null && nativeEnabled()) {
            return TorchHelper.INSTANCE.groupNormScaleShiftSilu(x, groups, weight, bias, eps, scale, shift);
        }
        return Activations.silu(forward(x).mul(scale.add(1)).add(shift));
    }

    public NDArray forward(NDArray x) {
        DataType type = x.getDataType();
        NDArray f = type == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        if (nativeEnabled()) {
            NDArray normed = TorchHelper.INSTANCE.groupNorm(f, groups, weight, bias, eps, false);
            return type == DataType.FLOAT32 ? normed : normed.toType(type, false);
        }
        Shape shape = f.getShape();
        if (shape.dimension() == 4 && MemoryFormat.enabled()) {
            NDArray normed = forwardPerChannel(f);
            return type == DataType.FLOAT32 ? normed : normed.toType(type, false);
        }
        long n = shape.get(0);
        long c = shape.get(1);
        NDArray g = f.reshape(n, groups, -1);
        // the engine's fused layer norm over each group: the same biased statistics as torch's group_norm in one
        // pass instead of six element-wise ones (2-3x faster on CPU)
        Shape l = new Shape(g.getShape().get(2));
        NDArray normed = ai.djl.nn.norm.LayerNorm.layerNorm(g, l, g.getManager().ones(l), g.getManager().zeros(l),
                (float) eps).singletonOrThrow();
        if (weightColumn != null) {
            // [N, C, rest] * [C, 1]: the input stays the first operand (results belong to its manager)
            // in place on the fresh normalised array: no further full-size allocations
            normed = normed.reshape(n, c, -1).muli(weightColumn).addi(biasColumn);
        }
        normed = normed.reshape(shape);
        return type == DataType.FLOAT32 ? normed : normed.toType(type, false);
    }

    /**
     * The same statistics computed per channel and combined per group, so that a channels-last input stays
     * channels-last (the reshape to [N, G, -1] above would copy it to the default layout, and the next convolution
     * back). Exact two-pass moments as torch: group mean m_g, then the mean of (x - m_g)^2; the normalisation
     * (x - m_g) / sqrt(var_g + eps) * weight + bias is one fused batch-norm pass with per-channel statistics
     * (one sample at a time: batch norm's statistics are shared by the batch).
     */
    private NDArray forwardPerChannel(NDArray f) {
        Shape shape = f.getShape();
        long n = shape.get(0);
        long c = shape.get(1);
        long hw = shape.get(2) * shape.get(3);
        long perGroup = c / groups;
        NDArray channelMean = f.mean(new int[] {3}, true).mean(new int[] {2}, true);
        NDArray groupMean = channelMean.reshape(n, groups, perGroup).mean(new int[] {2}, true)
                .broadcast(n, groups, perGroup).reshape(n, c, 1, 1);
        NDArray sumSq;
        try (NDArray centred = f.sub(groupMean)) {
            // ||x - m_g|| along W, squared and summed along H: sum of squares per channel, one read of the map
            sumSq = centred.norm(new int[] {3}, true).square().sum(new int[] {2}, true);
        }
        NDArray groupVar = sumSq.reshape(n, groups, perGroup).sum(new int[] {2}, true).div(perGroup * hw)
                .broadcast(n, groups, perGroup).reshape(n, c, 1, 1);
        if (n == 1) {
            NDArray w = weight != null ? weight : f.getManager().ones(new Shape(c));
            NDArray b = bias != null ? bias : f.getManager().zeros(new Shape(c));
            return ai.djl.nn.norm.BatchNorm.batchNorm(f, groupMean.reshape(c), groupVar.reshape(c), w, b, 1, 0f,
                    (float) eps, false).singletonOrThrow();
        }
        // [N, C, 1, 1] scale and shift (the per-sample statistics first, so results stay in the input's scope)
        NDArray scale = groupVar.add((float) eps).pow(-0.5f);
        NDArray shift = groupMean.mul(scale).neg();
        if (weightMap != null) {
            scale.muli(weightMap);
            shift.muli(weightMap).addi(biasMap);
        }
        return f.mul(scale).addi(shift);
    }
}
