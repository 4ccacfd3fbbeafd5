package dev.restora.sgmse;

import ai.djl.ndarray.NDArray;
import dev.restora.core.RestoraException;
import dev.restora.core.checkpoint.CheckpointException;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.pipeline.PipelineContext;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/** Loading shared by the SGMSE+ and StoRM providers. */
final class SpeechProviders {
    private SpeechProviders() {
    }

    static LoadedCheckpoint read(PipelineContext context, String entryId) {
        Path file = context.models().require(entryId);
        try {
            return LoadedCheckpoint.read(file, context.manager());
        } catch (CheckpointException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new RestoraException(file + ": cannot read the checkpoint (" + e.getMessage() + ")", e);
        }
    }

    /** Frees the checkpoint's raw weights that inference does not use (the EMA copies replace them). */
    static void freeUnused(LoadedCheckpoint ckpt, StateDict used) {
        Set<NDArray> keep = Collections.newSetFromMap(new IdentityHashMap<>());
        keep.addAll(used.asMap().values());
        for (NDArray a : ckpt.stateDict().values()) {
            if (!keep.contains(a)) {
                a.close();
            }
        }
    }
}
