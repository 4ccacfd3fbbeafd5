package dev.restora.core.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.RestoraException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Replays noise recorded from the reference implementation (.npy files), in the given order. A draw whose shape
 * differs from the recording, or a draw past the last file, is an error: the sampler and the reference then
 * disagree on the order of random calls.
 */
public final class RecordedNoise implements NoiseSource {
    private final Deque<Path> files;

    public RecordedNoise(List<Path> files) {
        this.files = new ArrayDeque<>(files);
    }

    public int remaining() {
        return files.size();
    }

    @Override
    public NDArray normal(NDManager manager, Shape shape) {
        Path file = files.pollFirst();
        if (file == null) {
            throw new IllegalStateException("recorded noise exhausted: a draw of " + shape + " has no recording");
        }
        NDArray a;
        try (InputStream in = Files.newInputStream(file)) {
            a = NDList.decode(manager, in).singletonOrThrow();
        } catch (IOException e) {
            throw new RestoraException("cannot read recorded noise " + file + ": " + e.getMessage(), e);
        }
        if (!a.getShape().equals(shape)) {
            a.close();
            throw new IllegalStateException("recorded noise " + file.getFileName() + " has shape " + a.getShape()
                    + " but the sampler drew " + shape);
        }
        return a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
    }
}
