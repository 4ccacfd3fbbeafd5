package dev.restora.core.checkpoint;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a checkpoint holds, read without creating NDArrays (for {@code restora inspect}).
 *
 * @param tensors the model state dict (unwrapped, prefixes stripped) in file order
 * @param parameterCount total number of elements of those tensors
 * @param hyperParameters Lightning {@code hyper_parameters} as plain values (tensors in them as {@link TensorInfo})
 * @param hasEma whether the file holds EMA weights (a Lightning {@code ema} entry with {@code shadow_params})
 * @param emaTensorCount number of EMA shadow tensors (0 without EMA)
 */
public record CheckpointInfo(Path file, CheckpointFormat format, List<TensorInfo> tensors, long parameterCount,
        Map<String, Object> hyperParameters, boolean hasEma, int emaTensorCount) {
    public CheckpointInfo {
        tensors = List.copyOf(tensors);
    }

    /** Total stored bytes of the state dict tensors. */
    public long tensorBytes() {
        long b = 0;
        for (TensorInfo t : tensors) {
            b += t.bytes();
        }
        return b;
    }
}
