package dev.restora.resshift;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.restora.core.checkpoint.StateDict;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a fixture checkpoint into a StateDict (temporary: npz conversions until the .pth reader lands). */
final class FixtureWeights {
    private FixtureWeights() {
    }

    static StateDict stateDict(Path pth, NDManager manager) {
        Path npz = Path.of("/tmp/rs", pth.getFileName().toString().replace(".pth", ".npz"));
        try (InputStream in = Files.newInputStream(npz)) {
            NDList list = NDList.decode(manager, in);
            Map<String, NDArray> map = new LinkedHashMap<>();
            for (NDArray a : list) {
                map.put(a.getName(), a);
            }
            return new StateDict(map, pth.getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
