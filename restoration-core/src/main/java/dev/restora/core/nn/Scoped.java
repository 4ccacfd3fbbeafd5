package dev.restora.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.function.UnaryOperator;

/**
 * Runs a block of a network in a temporary NDManager so its intermediates are freed when it returns. DJL keeps
 * every intermediate array until its manager closes (PyTorch frees them by reference count), so without this a
 * UNet forward holds all of its activations at once. The input is attached to the temporary scope only for the
 * duration (it returns to its own manager), the output is moved to the input's manager.
 */
public final class Scoped {
    private Scoped() {
    }

    public static NDArray apply(NDArray x, UnaryOperator<NDArray> block) {
        NDManager parent = x.getManager();
        try (NDManager scope = parent.newSubManager()) {
            x.tempAttach(scope);
            NDArray y = block.apply(x);
            if (y == x) {
                return x;
            }
            y.attach(parent);
            return y;
        }
    }
}
