package dev.restora.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * Scaled dot-product attention, softmax(q k^T * scale) v, over the last two axes. On float16 q, k, v (a half
 * precision network) the products run in float16 and the softmax in float32, as under autocast ({@link Precision}).
 */
public final class Attention {
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
        countProducts(q, k, v);
        NDArray logits = q.mul((float) scale).matMul(k.swapAxes(-1, -2));
        if (bias != null) {
            logits = logits.add(bias);
        }
        return Precision.softmax(logits, -1).matMul(v);
    }

    /** q k^T and the weighted sum of v: rows(q) x d x Nk + rows(q) x Nk x dv MACs. */
    private static void countProducts(NDArray q, NDArray k, NDArray v) {
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
        if (nq <= chunk) {
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
