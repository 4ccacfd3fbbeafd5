package dev.restora.core.checkpoint;

import java.util.function.Supplier;

/**
 * A checkpoint's object tree as unpickled (tensors as {@link TensorRef} descriptors, no data read yet) and a way
 * to open its storages.
 */
record ParsedCheckpoint(CheckpointFormat format, Object root, Supplier<StorageSource> storages) {
}
