package dev.restora.core.checkpoint;

/**
 * One storage of a checkpoint: {@code numel} elements of {@code dtype} in the archive entry or file region
 * {@code location}, {@code byteOffset} bytes in (0 for torch zip entries).
 */
record StorageRef(String key, TensorDtype dtype, long numel, String location, long byteOffset) {
    long bytes() {
        return numel * dtype.size();
    }
}
