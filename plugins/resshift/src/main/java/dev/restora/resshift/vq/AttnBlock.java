package dev.restora.resshift.vq;

import ai.djl.ndarray.NDArray;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.nn.Attention;
import dev.restora.core.nn.Conv2dLayer;
import dev.restora.core.nn.GroupNorm;
import dev.restora.core.nn.Residual;
import dev.restora.core.nn.Precision;

/**
 * LDM AttnBlock (spec §2.2): single-head self-attention over all H·W positions with 1x1 q/k/v/proj_out convs and
 * a residual. The queries are processed in chunks ({@link Attention#chunked}) so that the (HW x HW) logits of a
 * large tile never exist at once beyond {@code maxLogits} elements (exact: each query row's softmax is independent).
 */
final class AttnBlock {
    /** Default upper bound on the logits held at once, in elements (64 Mi floats = 256 MB). */
    public static final long DEFAULT_MAX_LOGITS = 64L << 20;

    private final GroupNorm norm;
    private final Conv2dLayer q;
    private final Conv2dLayer k;
    private final Conv2dLayer v;
    private final Conv2dLayer proj;
    private final long channels;
    private final long maxLogits;

    private AttnBlock(GroupNorm norm, Conv2dLayer q, Conv2dLayer k, Conv2dLayer v, Conv2dLayer proj, long channels, long maxLogits) {
        this.norm = norm;
        this.q = q;
        this.k = k;
        this.v = v;
        this.proj = proj;
        this.channels = channels;
        this.maxLogits = maxLogits;
    }

    static AttnBlock load(StateDict sd, long c, long maxLogits) {
        return new AttnBlock(VQNorm.load(sd.sub("norm"), c), Conv2dLayer.load(sd.sub("q"), c, c, 1, 1, 0),
                Conv2dLayer.load(sd.sub("k"), c, c, 1, 1, 0), Conv2dLayer.load(sd.sub("v"), c, c, 1, 1, 0),
                Conv2dLayer.load(sd.sub("proj_out"), c, c, 1, 1, 0), c, maxLogits);
    }

    NDArray forward(NDArray x) {
        long b = x.getShape().get(0);
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        long n = h * w;
        NDArray hn = norm.forward(Precision.float32(x)); // autocast's group_norm: float32 out
        NDArray qs = tokens(q.forward(hn), b, n);
        NDArray ks = tokens(k.forward(hn), b, n);
        NDArray vs = tokens(v.forward(hn), b, n);
        // w_ = softmax(bmm(q, k) * C^-0.5), out = bmm(v, w_^T), in chunks of queries within the logits budget
        long chunk = Math.max(1, Math.min(n, maxLogits / (n * b)));
        NDArray out = Attention.chunked(qs, ks, vs, Math.pow(channels, -0.5), (int) chunk);
        // [B, HW, C] back to [B, C, H, W]: a view laid out channels-last, as the next convolution wants it
        NDArray y = out.reshape(b, h, w, channels).transpose(0, 3, 1, 2);
        // the projection is this block's own fresh array: the residual sum goes in place
        return Residual.add(proj.forward(y), x);
    }

    /**
     * [B, C, H, W] to the [B, HW, C] tokens of the official {@code reshape(b, c, h*w).permute(0, 2, 1)}, taken as
     * {@code permute(0, 2, 3, 1).reshape(b, h*w, c)}: the same values, and a view (no copy) of a channels-last map.
     */
    private NDArray tokens(NDArray map, long b, long n) {
        return map.transpose(0, 2, 3, 1).reshape(b, n, channels);
    }
}
