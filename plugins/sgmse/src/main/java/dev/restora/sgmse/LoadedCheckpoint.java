package dev.restora.sgmse;

import ai.djl.ndarray.NDArray;
import dev.restora.core.checkpoint.Checkpoint;
import dev.restora.core.checkpoint.CheckpointException;
import dev.restora.core.checkpoint.StateDict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of a Lightning checkpoint inference needs: the pickled {@code state_dict} in pickle order, the EMA
 * {@code shadow_params} list when present, and {@code hyper_parameters}.
 *
 * <p>EMA (spec §6.3): torch-ema keeps one averaged tensor per model parameter in {@code model.parameters()}
 * order, which equals the order of the model's keys in the pickled state_dict (these networks have no buffers).
 * The official inference swaps those averaged weights in, so {@link #inferenceWeights} maps {@code shadow_params[i]}
 * onto the i-th key carrying one of the model's prefixes; without EMA it warns and uses the raw weights.
 */
public record LoadedCheckpoint(Map<String, NDArray> stateDict, Optional<List<NDArray>> emaShadowParams,
                               Map<String, Object> hyperParameters, String source) {
    private static final System.Logger LOG = System.getLogger(LoadedCheckpoint.class.getName());

    /**
     * Reads a {@code .ckpt} (or {@code .pt}) file with the core reader; its arrays belong to {@code manager}.
     *
     * @throws dev.restora.core.checkpoint.CheckpointException naming the file and the problem
     */
    public static LoadedCheckpoint read(java.nio.file.Path file, ai.djl.ndarray.NDManager manager) {
        Checkpoint c = Checkpoint.read(file, manager);
        return new LoadedCheckpoint(c.tensors(), c.emaShadowParams(), c.hyperParameters(),
                String.valueOf(file.getFileName()));
    }

    public HyperParameters hparams() {
        return new HyperParameters(hyperParameters, source);
    }

    public boolean hasPrefix(String prefix) {
        for (String k : stateDict.keySet()) {
            if (k.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The raw (non-averaged) weights under the prefixes, as a state dict. */
    public StateDict rawWeights(List<String> prefixes) {
        return new StateDict(under(prefixes), source);
    }

    /** The state_dict entries under the prefixes, in file order. */
    private Map<String, NDArray> under(List<String> prefixes) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : stateDict.entrySet()) {
            if (startsWithAny(e.getKey(), prefixes)) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /**
     * The weights the official inference runs with: the EMA shadow parameters mapped onto the model's keys, or the
     * raw state_dict weights (with a logged warning) when the checkpoint has no EMA.
     *
     * @param prefixes the model's state_dict prefixes in registration order ("dnn." or "denoiser_net.", "score_net.")
     */
    public StateDict inferenceWeights(List<String> prefixes) {
        Map<String, NDArray> raw = under(prefixes);
        if (raw.isEmpty()) {
            throw new CheckpointException(source + ": no weights under " + prefixes + "; this is not a checkpoint of "
                    + "this model (its keys start with " + firstKeys() + ")");
        }
        if (emaShadowParams.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, source + ": no EMA weights in the checkpoint; using the raw "
                    + "state_dict weights (the official code does the same, with a warning)");
            return new StateDict(raw, source);
        }
        // every key under the prefixes is a parameter (these networks have no buffers)
        return new StateDict(Checkpoint.withEma(raw, emaShadowParams.get(), key -> true, source), source);
    }

    private List<String> firstKeys() {
        return stateDict.keySet().stream().limit(3).toList();
    }

    private static boolean startsWithAny(String key, List<String> prefixes) {
        for (String p : prefixes) {
            if (key.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}
