package dev.restora.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/** Time embeddings of diffusion networks. */
public final class Embeddings {
    private Embeddings() {
    }

    /**
     * The sinusoidal timestep embedding of guided-diffusion (ResShift spec §3.3): with half = dim/2 and
     * freqs_i = exp(-ln(maxPeriod) i / half), returns [cos(t freqs) | sin(t freqs)] (a zero column appended
     * when dim is odd). {@code t} is a 1-D tensor of length B; the result is B x dim float32.
     */
    public static NDArray sinusoidal(NDArray t, int dim, double maxPeriod) {
        int half = dim / 2;
        NDManager m = t.getManager();
        float[] freqs = new float[half];
        for (int i = 0; i < half; i++) {
            freqs[i] = (float) Math.exp(-Math.log(maxPeriod) * i / half);
        }
        NDArray args = t.toType(DataType.FLOAT32, false).reshape(-1, 1).mul(m.create(freqs).reshape(1, half));
        NDArray emb = NDArrays.concat(new NDList(args.cos(), args.sin()), 1);
        if (dim % 2 == 1) {
            emb = NDArrays.concat(new NDList(emb, m.zeros(new ai.djl.ndarray.types.Shape(emb.getShape().get(0), 1))), 1);
        }
        return emb;
    }

    /**
     * Gaussian Fourier features (NCSN++'s GaussianFourierProjection): with the fixed random vector W,
     * returns [sin(2 pi x W) | cos(2 pi x W)] for the 1-D tensor {@code x} (SGMSE feeds log t).
     */
    public static NDArray gaussianFourier(NDArray x, NDArray w) {
        // [B, 1] * [D] broadcasts to [B, D]; w is not reshaped, which would add an array to its long-lived manager
        NDArray proj = x.reshape(-1, 1).mul(w).mul((float) (2 * Math.PI));
        return NDArrays.concat(new NDList(proj.sin(), proj.cos()), 1);
    }
}
