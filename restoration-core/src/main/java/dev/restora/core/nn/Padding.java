package dev.restora.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/** torch.nn.functional.pad on the last two axes of an N x C x H x W tensor. */
public final class Padding {
    private Padding() {
    }

    /** Pads width by (left, right) and height by (top, bottom) with {@code mode}. */
    public static NDArray pad(NDArray x, PaddingMode mode, int left, int right, int top, int bottom) {
        if (left == 0 && right == 0 && top == 0 && bottom == 0) {
            return x;
        }
        if (mode == PaddingMode.ZEROS) {
            // like F.pad, DJL's pad (torch's constant_pad_nd) takes (before, after) pairs from the LAST axis back
            return x.pad(new Shape(left, right, top, bottom), 0);
        }
        NDArray w = padAxis(x, mode, x.getShape().dimension() - 1, left, right);
        return padAxis(w, mode, x.getShape().dimension() - 2, top, bottom);
    }

    private static NDArray padAxis(NDArray x, PaddingMode mode, int axis, int before, int after) {
        if (before == 0 && after == 0) {
            return x;
        }
        long n = x.getShape().get(axis);
        if (mode == PaddingMode.REFLECT && (before >= n || after >= n)) {
            throw new IllegalArgumentException("reflect padding " + Math.max(before, after)
                    + " must be smaller than the size " + n);
        }
        String lead = ":,".repeat(axis);
        NDList parts = new NDList(3);
        if (before > 0) {
            parts.add(switch (mode) {
                case REFLECT -> x.get(new NDIndex(lead + "1:" + (before + 1))).flip(axis);
                case REPLICATE -> x.get(new NDIndex(lead + "0:1")).repeat(axis, before);
                case CIRCULAR -> x.get(new NDIndex(lead + (n - before) + ":"));
                case ZEROS -> throw new IllegalStateException();
            });
        }
        parts.add(x);
        if (after > 0) {
            parts.add(switch (mode) {
                case REFLECT -> x.get(new NDIndex(lead + (n - 1 - after) + ":" + (n - 1))).flip(axis);
                case REPLICATE -> x.get(new NDIndex(lead + (n - 1) + ":")).repeat(axis, after);
                case CIRCULAR -> x.get(new NDIndex(lead + "0:" + after));
                case ZEROS -> throw new IllegalStateException();
            });
        }
        return NDArrays.concat(parts, axis);
    }
}
