package dev.restora.resshift.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.nn.LinearLayer;
import dev.restora.core.nn.Precision;

/**
 * Swin window multi-head self-attention with relative position bias (spec §3.4): {@code qkv} Linear(C, 3C) split
 * head-major as [q | k | v], q scaled by head_dim^-0.5, logits + B[h,i,j] (+ mask), softmax, then {@code proj}.
 * The bias B is gathered once at load from {@code relative_position_bias_table} with the standard Swin index.
 */
final class WindowAttention {
    private final LinearLayer qkv;
    private final LinearLayer proj;
    private final NDArray bias;
    private final int heads;
    private final int dim;
    private final int tokens;
    private final float scale;

    private WindowAttention(LinearLayer qkv, LinearLayer proj, NDArray bias, int heads, int dim, int tokens) {
        this.qkv = qkv;
        this.proj = proj;
        this.bias = bias;
        this.heads = heads;
        this.dim = dim;
        this.tokens = tokens;
        this.scale = (float) Math.pow(dim / heads, -0.5);
    }

    static WindowAttention load(StateDict sd, int dim, int heads, int window, NDManager weights) {
        int span = 2 * window - 1;
        int n = window * window;
        NDArray table = sd.get("relative_position_bias_table", (long) span * span, heads);
        int[] index = relativePositionIndex(window);
        if (sd.has("relative_position_index")) {
            // the stored buffer must be the standard index the official code also recomputes
            long[] stored = sd.get("relative_position_index", n, n).toType(DataType.INT64, false).toLongArray();
            for (int i = 0; i < stored.length; i++) {
                if (stored[i] != index[i]) {
                    throw new dev.restora.core.checkpoint.CheckpointException(sd.source() + ": '" + sd.prefix()
                            + "relative_position_index' differs from the Swin index at " + i);
                }
            }
        }
        float[] t = table.toType(DataType.FLOAT32, false).toFloatArray();
        float[] b = new float[heads * n * n];
        for (int h = 0; h < heads; h++) {
            for (int ij = 0; ij < n * n; ij++) {
                b[h * n * n + ij] = t[index[ij] * heads + h];
            }
        }
        NDArray bias = weights.create(b, new Shape(1, heads, n, n));
        if (sd.halfPrecision()) {
            // official: the bias is cast to the logits' type (float16 under autocast), here once at load
            bias = bias.toType(DataType.FLOAT16, false);
        }
        return new WindowAttention(LinearLayer.load(sd.sub("qkv"), dim, 3L * dim), LinearLayer.load(sd.sub("proj"), dim, dim),
                bias, heads, dim, n);
    }

    /** idx[i,j] = (r_i - r_j + ws - 1)(2 ws - 1) + (c_i - c_j + ws - 1), tokens row-major in the window. */
    static int[] relativePositionIndex(int window) {
        int n = window * window;
        int[] idx = new int[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int dr = i / window - j / window + window - 1;
                int dc = i % window - j % window + window - 1;
                idx[i * n + j] = dr * (2 * window - 1) + dc;
            }
        }
        return idx;
    }

    /**
     * @param windows (B*nW, N, C) tokens, windows of one image contiguous
     * @param mask    (1, nW, 1, N, N) additive mask or null
     * @param batch   B
     */
    NDArray forward(NDArray windows, NDArray mask, long batch) {
        long bw = windows.getShape().get(0);
        int hd = dim / heads;
        NDArray qkvOut = qkv.forward(windows).reshape(bw, tokens, 3, heads, hd).transpose(2, 0, 3, 1, 4);
        NDArray q = qkvOut.get(0).mul(scale);
        NDArray k = qkvOut.get(1);
        NDArray v = qkvOut.get(2);
        NDArray attn = q.matMul(k.swapAxes(-1, -2)).add(bias);
        dev.restora.core.nn.MacCounter.matMul(bw * heads * tokens, 2L * hd, tokens);
        if (mask != null) {
            long nw = bw / batch;
            if (attn.getDataType() == DataType.FLOAT16) {
                // official: the mask is cast to the features' type (0 and -100 are exact in float16)
                mask = mask.toType(DataType.FLOAT16, false);
            }
            attn = attn.reshape(batch, nw, heads, tokens, tokens).add(mask).reshape(bw, heads, tokens, tokens);
        }
        NDArray out = Precision.softmax(attn, -1).matMul(v).transpose(0, 2, 1, 3).reshape(bw, tokens, dim);
        return proj.forward(out);
    }
}
