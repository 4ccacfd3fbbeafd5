package dev.restora.core.nn;

import ai.djl.ndarray.NDArray;

/** Element-wise activations with PyTorch's exact definitions. */
public final class Activations {
    private Activations() {
    }

    /** SiLU (swish with beta 1): x * sigmoid(x). */
    public static NDArray silu(NDArray x) {
        if (MemoryFormat.enabled()) {
            // torch's fused silu through the TorchScript helper: one pass over memory instead of two
            return TorchHelper.INSTANCE.silu(x);
        }
        // sigmoid(x) is a fresh array owned by x's manager: multiply it in place (one allocation, not two)
        return x.getNDArrayInternal().sigmoid().muli(x);
    }

    /** GELU in its exact erf form (torch.nn.GELU() default), not the tanh approximation. */
    public static NDArray gelu(NDArray x) {
        // the engine's fused gelu (torch's default approximate='none' is the erf form): one pass instead of five
        return ai.djl.nn.Activation.gelu(x);
    }
}
