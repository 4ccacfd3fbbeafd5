package dev.restora.sgmse.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.diffusion.NoiseSource;

/**
 * {@code torch.randn_like} on a complex64 tensor (spec notation z_c): real and imaginary parts independent
 * N(0, 1/2). One draw takes {@code [B, 1, F, T, 2]} standard normals from the {@link NoiseSource} (the layout in
 * which the reference's noise is recorded: trailing (re, im)), scales them by sqrt(1/2) and returns the state
 * layout {@code [B, 2, F, T]}.
 */
public final class ComplexNoise {
    private static final double SQRT_HALF = Math.sqrt(0.5);

    private ComplexNoise() {
    }

    /** The standard-normal shape one draw of a {@code [B, 2, F, T]} state takes. */
    public static Shape drawShape(Shape state) {
        return new Shape(state.get(0), 1, state.get(2), state.get(3), 2);
    }

    public static NDArray draw(NoiseSource noise, NDManager manager, Shape state) {
        NDArray n = noise.normal(manager, drawShape(state));
        return n.mul((float) SQRT_HALF).reshape(state.get(0), state.get(2), state.get(3), 2).transpose(0, 3, 1, 2);
    }
}
