package dev.restora.core.nn;

import ai.djl.ndarray.NDArray;

/** Element-wise activations with PyTorch's exact definitions. */
public final class Activations {
    private static final double INV_SQRT2 = 1 / Math.sqrt(2);

    private Activations() {
    }

    /** SiLU (swish with beta 1): x * sigmoid(x). */
    public static NDArray silu(NDArray x) {
        return x.mul(x.getNDArrayInternal().sigmoid());
    }

    /** GELU in its exact erf form (torch.nn.GELU() default), not the tanh approximation. */
    public static NDArray gelu(NDArray x) {
        return x.mul(x.mul(INV_SQRT2).erf().add(1)).mul(0.5);
    }
}
