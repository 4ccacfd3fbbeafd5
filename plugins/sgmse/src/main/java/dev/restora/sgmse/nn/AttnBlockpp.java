package dev.restora.sgmse.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.nn.Attention;
import dev.restora.core.nn.GroupNorm;
import dev.restora.core.nn.Residual;

/**
 * NCSN++'s self-attention over all H x W positions with skip rescaling (spec §5.2): q, k, v from NIN layers of
 * the group-normalised input, softmax of {@code q·k / sqrt C} over the key positions, {@code NIN_3}, result
 * {@code (x + o) / sqrt 2}.
 */
public final class AttnBlockpp {
    private static final double INV_SQRT2 = 1 / Math.sqrt(2);
    /** Queries per chunk, so that a long recording's logits never exist at once. */
    private static final int QUERY_CHUNK = 4096;

    private final GroupNorm norm;
    private final Nin q;
    private final Nin k;
    private final Nin v;
    private final Nin proj;
    private final long channels;

    private AttnBlockpp(GroupNorm norm, Nin q, Nin k, Nin v, Nin proj, long channels) {
        this.norm = norm;
        this.q = q;
        this.k = k;
        this.v = v;
        this.proj = proj;
        this.channels = channels;
    }

    public static AttnBlockpp load(StateDict sd, long channels) {
        return new AttnBlockpp(Norms.groupNorm(sd.sub("GroupNorm_0"), channels),
                Nin.load(sd.sub("NIN_0"), channels, channels), Nin.load(sd.sub("NIN_1"), channels, channels),
                Nin.load(sd.sub("NIN_2"), channels, channels), Nin.load(sd.sub("NIN_3"), channels, channels),
                channels);
    }

    public NDArray forward(NDArray x) {
        Shape s = x.getShape();
        long b = s.get(0);
        long hw = s.get(2) * s.get(3);
        NDArray h = norm.forward(x);
        NDArray qs = q.forward(h).reshape(b, channels, hw).transpose(0, 2, 1);
        NDArray ks = k.forward(h).reshape(b, channels, hw).transpose(0, 2, 1);
        NDArray vs = v.forward(h).reshape(b, channels, hw).transpose(0, 2, 1);
        NDArray o = Attention.chunked(qs, ks, vs, 1 / Math.sqrt(channels), QUERY_CHUNK);
        o = o.transpose(0, 2, 1).reshape(s);
        return Residual.addScaled(proj.forward(o), x, (float) INV_SQRT2); // the projection is a fresh array: in place
    }
}
