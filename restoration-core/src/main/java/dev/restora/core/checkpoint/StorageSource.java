package dev.restora.core.checkpoint;

import java.nio.ByteBuffer;

/** Reads whole storages of an open checkpoint file. */
interface StorageSource extends AutoCloseable {
    /**
     * The storage's elements as their loaded type ({@link TensorDtype#loaded()}, float16/bfloat16 widened), in a
     * new direct buffer in native byte order, position 0.
     */
    ByteBuffer read(StorageRef storage);

    @Override
    void close();
}
