package dev.restora.core.nn;

import ai.djl.ndarray.NDArray;

/**
 * The residual sums of the networks ({@code x + f(x)}), taken in place on the block's own fresh output where that is
 * safe, which saves a full-size allocation per block (at output resolution a first touch of hundreds of MB).
 */
public final class Residual {
    private Residual() {
    }

    /**
     * {@code fresh + other}, the same values as {@code other.add(fresh)} (float addition commutes). In place on
     * {@code fresh}, which the caller made and uses no more, when both have the same type (no promotion is lost) and
     * fresh is not an inference tensor (an output of a TorchScript module: the engine would update it and then
     * throw); otherwise a new array with the usual type promotion. Where the helper is not loaded, always new.
     */
    public static NDArray add(NDArray fresh, NDArray other) {
        TorchHelper helper = TorchHelper.INSTANCE;
        if (helper != null && fresh.getDataType() == other.getDataType() && broadcastsInto(other, fresh)
                && !helper.isInference(fresh)) {
            return fresh.addi(other);
        }
        return fresh.add(other);
    }

    /** Whether {@code other} broadcasts to {@code fresh}'s shape (the in-place result keeps fresh's shape). */
    private static boolean broadcastsInto(NDArray other, NDArray fresh) {
        ai.djl.ndarray.types.Shape o = other.getShape();
        ai.djl.ndarray.types.Shape f = fresh.getShape();
        if (o.dimension() > f.dimension()) {
            return false;
        }
        for (int i = 1; i <= o.dimension(); i++) {
            long a = o.get(o.dimension() - i);
            if (a != 1 && a != f.get(f.dimension() - i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code (fresh + other) * factor}, in place under the same conditions as {@link #add}; a float factor, since DJL
     * makes a Java double a float64 tensor on the array's device (which MPS refuses).
     */
    public static NDArray addScaled(NDArray fresh, NDArray other, float factor) {
        // the sum is either fresh updated in place or a new array: in both cases ours to scale in place
        return add(fresh, other).muli(factor);
    }
}
