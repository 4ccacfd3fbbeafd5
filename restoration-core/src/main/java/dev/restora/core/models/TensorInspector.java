package dev.restora.core.models;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Lists the tensors of a weight file (name to shape) without loading their data. */
@FunctionalInterface
public interface TensorInspector {

    /** @throws dev.restora.core.RestoraException when the file is not a readable checkpoint */
    Map<String, List<Long>> tensors(Path file);
}
