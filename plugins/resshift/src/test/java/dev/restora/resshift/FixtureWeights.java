package dev.restora.resshift;

import ai.djl.ndarray.NDManager;
import dev.restora.core.checkpoint.Checkpoint;
import dev.restora.core.checkpoint.StateDict;
import java.nio.file.Path;

/** Reads a fixture checkpoint (.pth) into a StateDict with the core reader. */
final class FixtureWeights {
    private FixtureWeights() {
    }

    static StateDict stateDict(Path pth, NDManager manager) {
        return Checkpoint.read(pth, manager).stateDict();
    }
}
