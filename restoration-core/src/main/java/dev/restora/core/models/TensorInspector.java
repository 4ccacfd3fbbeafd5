package dev.restora.core.models;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Lists the tensors of a weight file (name to shape) without loading their data. */
@FunctionalInterface
public interface TensorInspector {

    /** Reads the tensor table of a PyTorch zip ({@code .pth}, {@code .ckpt}) or safetensors file, no code run. */
    TensorInspector CHECKPOINT = file -> {
        java.util.Map<String, List<Long>> out = new java.util.LinkedHashMap<>();
        for (dev.restora.core.checkpoint.TensorInfo t : dev.restora.core.checkpoint.Checkpoint.inspect(file).tensors()) {
            out.put(t.name(), java.util.Arrays.stream(t.shape()).boxed().toList());
        }
        return out;
    };

    /** @throws dev.restora.core.RestoraException when the file is not a readable checkpoint */
    Map<String, List<Long>> tensors(Path file);
}
