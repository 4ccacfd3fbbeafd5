package dev.restora.core.checkpoint;

import java.util.Arrays;

/**
 * A tensor as the pickle describes it, before any data is read: a view ({@code offset}, {@code shape},
 * {@code stride}, in elements) of a storage. Identity matters: the same pickled tensor is one TensorRef.
 */
final class TensorRef {
    private final StorageRef storage;
    private final long offset;
    private final long[] shape;
    private final long[] stride;

    TensorRef(StorageRef storage, long offset, long[] shape, long[] stride) {
        this.storage = storage;
        this.offset = offset;
        this.shape = shape.clone();
        this.stride = stride.clone();
    }

    StorageRef storage() {
        return storage;
    }

    long offset() {
        return offset;
    }

    long[] shape() {
        return shape.clone();
    }

    long[] stride() {
        return stride.clone();
    }

    TensorDtype dtype() {
        return storage.dtype();
    }

    long numel() {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    /** Row-major contiguous (size-1 dimensions may have any stride), so the view is one slice of the storage. */
    boolean contiguous() {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    /** Bytes of the view as stored. */
    long bytes() {
        return numel() * storage.dtype().size();
    }

    @Override
    public String toString() {
        return "tensor(" + storage.dtype().torchName() + ", " + Arrays.toString(shape) + ")";
    }
}
