package dev.restora.resshift.vq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.nn.Precision;

/**
 * VectorQuantizer2 at inference (spec §2.3): for each position the nearest code by the float32 distance
 * |z|^2 + |e|^2 - 2 z.e, the first minimum winning, returned as z + (e_k - z) in float32 (the straight-through
 * expression, equal to e_k up to an ulp). Positions are processed in chunks to bound the distance matrix.
 */
public final class VectorQuantizer {
    /** Distance-matrix elements held at once (16 Mi floats = 64 MB). */
    static final long MAX_DISTANCES = 16L << 20;

    private final NDArray codebook;
    private final NDArray codebookT;
    private final NDArray codeNorms;
    /** half precision: the codebook^T in float16 for autocast's float16 einsum z.e, else null */
    private final NDArray codebookTHalf;

    public VectorQuantizer(NDArray codebook) {
        this(codebook, false);
    }

    private VectorQuantizer(NDArray codebook, boolean half) {
        this.codebook = codebook;
        this.codebookT = codebook.transpose();
        this.codeNorms = codebook.square().sum(new int[] {1});
        this.codebookTHalf = half ? Precision.half(codebookT) : null;
    }

    static VectorQuantizer load(StateDict sd, long nEmbed, long embedDim) {
        return new VectorQuantizer(sd.get("embedding.weight", nEmbed, embedDim), sd.halfPrecision());
    }

    public long codes() {
        return codebook.getShape().get(0);
    }

    /** Nearest-code indices (int64) of z (B x C x H x W), shaped B x H x W. */
    public NDArray indices(NDArray z) {
        Shape s = z.getShape();
        NDArray flat = z.transpose(0, 2, 3, 1).reshape(-1, s.get(1));
        long n = flat.getShape().get(0);
        long chunk = Math.max(1, MAX_DISTANCES / codes());
        NDList parts = new NDList();
        NDManager parent = flat.getManager();
        for (long start = 0; start < n; start += chunk) {
            // each chunk's distance matrix is freed before the next one
            try (NDManager scope = parent.newSubManager()) {
                NDArray zf = flat.get(new NDIndex(start + ":" + Math.min(n, start + chunk)));
                zf.attach(scope);
                NDArray zz = zf.square().sum(new int[] {1}, true);
                // half precision as autocast: the sums of squares in float32, the einsum z.e in float16
                NDArray dot = codebookTHalf == null ? zf.matMul(codebookT)
                        : Precision.float32(Precision.half(zf).matMul(codebookTHalf));
                NDArray d = zz.add(codeNorms).sub(dot.mul(2));
                NDArray idx = d.argMin(1);
                idx.attach(parent);
                parts.add(idx);
            }
        }
        NDArray idx = parts.size() == 1 ? parts.head() : NDArrays.concat(parts, 0);
        return idx.reshape(s.get(0), s.get(2), s.get(3));
    }

    /** z + (e_k - z) for the nearest codes, B x C x H x W. */
    public NDArray quantize(NDArray z) {
        return lookup(z, indices(z));
    }

    /** z + (e_idx - z) for given indices (B x H x W). */
    public NDArray lookup(NDArray z, NDArray idx) {
        Shape s = z.getShape();
        NDArray zl = z.transpose(0, 2, 3, 1);
        NDArray e = codebook.get(new NDIndex("{}", idx.reshape(-1)));
        e.attach(zl.getManager()); // the gather belongs to the codebook's manager: move it to the run's scope
        NDArray ek = e.reshape(s.get(0), s.get(2), s.get(3), s.get(1));
        return zl.add(ek.sub(zl)).transpose(0, 3, 1, 2);
    }
}
