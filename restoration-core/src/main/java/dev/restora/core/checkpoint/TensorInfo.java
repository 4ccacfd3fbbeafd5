package dev.restora.core.checkpoint;

import java.util.Arrays;

/**
 * One tensor of a checkpoint as stored, without its data.
 *
 * @param dtype the stored PyTorch type name ("float32", "bfloat16", "int64", ...)
 * @param bytes stored size of the tensor's elements
 */
public record TensorInfo(String name, String dtype, long[] shape, long bytes) {
    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements. */
    public long numel() {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && t.name.equals(name) && t.dtype.equals(dtype)
                && Arrays.equals(t.shape, shape) && t.bytes == bytes;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }
}
