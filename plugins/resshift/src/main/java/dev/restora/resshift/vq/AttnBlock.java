package dev.restora.resshift.vq;

import ai.djl.ndarray.NDArray;
import dev.restora.core.checkpoint.StateDict;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.restora.core.nn.Conv2d;
import dev.restora.core.nn.GroupNorm;

/**
 * LDM AttnBlock (spec §2.2): single-head self-attention over all H·W positions with 1x1 q/k/v/proj_out convs and
 * a residual. The queries are processed in chunks so that the (HW x HW) logits of a large tile never exist at once
 * (exact: each query row's softmax is independent).
 */
final class AttnBlock {
    /** Default upper bound on the logits held at once, in elements (64 Mi floats = 256 MB). */
    public static final long DEFAULT_MAX_LOGITS = 64L << 20;

    private final GroupNorm norm;
    private final Conv2d q;
    private final Conv2d k;
    private final Conv2d v;
    private final Conv2d proj;
    private final long channels;
    private final long maxLogits;

    private AttnBlock(GroupNorm norm, Conv2d q, Conv2d k, Conv2d v, Conv2d proj, long channels, long maxLogits) {
        this.norm = norm;
        this.q = q;
        this.k = k;
        this.v = v;
        this.proj = proj;
        this.channels = channels;
        this.maxLogits = maxLogits;
    }

    static AttnBlock load(StateDict sd, long c, long maxLogits) {
        return new AttnBlock(VQNorm.load(sd.sub("norm"), c), Conv2d.load(sd.sub("q"), c, c, 1, 1, 0),
                Conv2d.load(sd.sub("k"), c, c, 1, 1, 0), Conv2d.load(sd.sub("v"), c, c, 1, 1, 0),
                Conv2d.load(sd.sub("proj_out"), c, c, 1, 1, 0), c, maxLogits);
    }

    NDArray forward(NDArray x) {
        long b = x.getShape().get(0);
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        long n = h * w;
        NDArray hn = norm.forward(x);
        NDArray qs = q.forward(hn).reshape(b, channels, n).transpose(0, 2, 1);
        NDArray kt = k.forward(hn).reshape(b, channels, n);
        NDArray vs = v.forward(hn).reshape(b, channels, n).transpose(0, 2, 1);
        long chunk = Math.max(1, Math.min(n, maxLogits / (n * b)));
        float scale = (float) Math.pow(channels, -0.5);
        NDList parts = new NDList();
        NDManager parent = qs.getManager();
        for (long s = 0; s < n; s += chunk) {
            // one chunk of queries at a time, its logits freed before the next (w_ = bmm(q, k) * C^-0.5, softmax)
            try (NDManager cs = parent.newSubManager()) {
                NDArray qc = qs.get(new NDIndex(":, " + s + ":" + Math.min(n, s + chunk)));
                qc.attach(cs);
                NDArray r = qc.matMul(kt).mul(scale).softmax(-1).matMul(vs);
                r.attach(parent);
                parts.add(r);
            }
        }
        NDArray out = parts.size() == 1 ? parts.head() : NDArrays.concat(parts, 1);
        NDArray y = out.transpose(0, 2, 1).reshape(b, channels, h, w);
        return x.add(proj.forward(y));
    }
}
