package dev.restora.core.nn;

import ai.djl.ndarray.NDArray;

/** Element-wise activations with PyTorch's exact definitions. */
public final class Activations {
    private Activations() {
    }

    /** SiLU (swish with beta 1): x * sigmoid(x). */
    public static NDArray silu(NDArray x) {
        return x.mul(x.getNDArrayInternal().sigmoid());
    }

    /** GELU in its exact erf form (torch.nn.GELU() default), not the tanh approximation. */
    public static NDArray gelu(NDArray x) {
        // the engine's fused gelu (torch's default approximate='none' is the erf form): one pass instead of five
        return ai.djl.nn.Activation.gelu(x);
    }
}
