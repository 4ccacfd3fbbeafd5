package dev.restora.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Scaled dot-product attention, softmax(q k^T * scale) v, over the last two axes. In float32 without a bias, where the
 * TorchScript helper is loaded, libtorch's fused kernel runs it ({@code scaled_dot_product_attention}: softmax block by
 * block with running maxima, the logits never held whole; same values to float rounding). On float16 q, k, v (a half
 * precision network) the products run in float16 and the softmax in float32, as under autocast ({@link Precision}).
 */
public final class Attention {
    /** System property: libtorch's fused scaled dot-product attention where it applies (default true). */
    public static final String FUSED_PROPERTY = "restora.nn.fusedAttention";

    private Attention() {
    }

    /**
     * @param q     [..., Nq, d]
     * @param k     [..., Nk, d]
     * @param v     [..., Nk, dv]
     * @param scale usually 1/sqrt(d)
     * @param bias  added to the logits before the softmax ([..., Nq, Nk], broadcastable), or null
     */
    public static NDArray scaledDotProduct(NDArray q, NDArray k, NDArray v, double scale, NDArray bias) {
        ConvHook hook = ConvHook.current();
        return hook != null ? hook.attention(q, k, v, scale, bias) : scaledDotProductFloat(q, k, v, scale, bias);
    }

    /** {@link #scaledDotProduct} in the operands' own precision, whatever {@link ConvHook} is installed. */
    public static NDArray scaledDotProductFloat(NDArray q, NDArray k, NDArray v, double scale, NDArray bias) {
        countProducts(q, k, v);
        if (bias == null && fusedApplies(q, k, v)) {
            return fused(q, k, v, scale);
        }
        NDArray logits = q.mul((float) scale).matMul(k.swapAxes(-1, -2));
        if (bias != null) {
            logits = logits.add(bias);
        }
        return Precision.softmax(logits, -1).matMul(v);
    }

    /**
     * Whether libtorch's fused attention runs: the TorchScript helper loaded, float32 (half precision keeps the
     * autocast-like path above) and {@code -Drestora.nn.fusedAttention} not false (read at every call, for A/B).
     */
    static boolean fusedApplies(NDArray q, NDArray k, NDArray v) {
        return TorchHelper.INSTANCE != null && !"false".equals(System.getProperty(FUSED_PROPERTY))
                && q.getDataType() == DataType.FLOAT32 && k.getDataType() == DataType.FLOAT32
                && v.getDataType() == DataType.FLOAT32 && q.getShape().dimension() >= 2
                && q.getShape().dimension() <= 4;
    }

    /** The fused kernel wants [B, H, N, d]: lower ranks get leading axes of 1 for the call. */
    private static NDArray fused(NDArray q, NDArray k, NDArray v, double scale) {
        int rank = q.getShape().dimension();
        if (rank == 4) {
            return TorchHelper.INSTANCE.attention(q, k, v, scale);
        }
        NDArray out = TorchHelper.INSTANCE.attention(to4d(q), to4d(k), to4d(v), scale);
        Shape s = out.getShape();
        return out.reshape(q.getShape().slice(0, rank - 1).add(s.get(3)));
    }

    private static NDArray to4d(NDArray x) {
        Shape s = x.getShape();
        return s.dimension() == 3 ? x.expandDims(1) : x.reshape(1, 1, s.get(0), s.get(1));
    }

    /** q k^T and the weighted sum of v: rows(q) x d x Nk + rows(q) x Nk x dv MACs. */
    public static void countProducts(NDArray q, NDArray k, NDArray v) {
        long nk = k.getShape().get(k.getShape().dimension() - 2);
        long d = q.getShape().get(q.getShape().dimension() - 1);
        long rows = q.size() / d;
        MacCounter.matMul(rows, d, nk);
        MacCounter.matMul(rows, nk, v.getShape().get(v.getShape().dimension() - 1));
    }

    /**
     * The same computed in chunks of {@code chunk} queries, so that the Nq x Nk logits of a large image never
     * exist at once (exact: each query's softmax is independent).
     */
    public static NDArray chunked(NDArray q, NDArray k, NDArray v, double scale, int chunk) {
        int axis = q.getShape().dimension() - 2;
        long nq = q.getShape().get(axis);
        if (nq <= chunk || fusedApplies(q, k, v)) {
            return scaledDotProduct(q, k, v, scale, null);
        }
        countProducts(q, k, v);
        NDArray kt = k.swapAxes(-1, -2);
        String lead = ":,".repeat(axis);
        NDManager owner = q.getManager();
        NDList parts = new NDList();
        for (long s = 0; s < nq; s += chunk) {
            // each chunk's logits and softmax live in a sub-scope freed before the next chunk
            try (NDManager scope = owner.newSubManager()) {
                NDArray qs = q.get(new NDIndex(lead + s + ":" + Math.min(nq, s + chunk)));
                qs.attach(scope);
                NDArray out = Precision.softmax(qs.mul((float) scale).matMul(kt), -1).matMul(v);
                out.attach(owner);
                parts.add(out);
            }
        }
        return NDArrays.concat(parts, axis);
    }
}
