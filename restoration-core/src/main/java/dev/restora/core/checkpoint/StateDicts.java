package dev.restora.core.checkpoint;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Finds the model state dict, the EMA weights and the hyper-parameters in an unpickled checkpoint. */
final class StateDicts {
    private static final List<String> STRIPPED_PREFIXES = List.of("module.", "_orig_mod.");

    private StateDicts() {
    }

    /**
     * The tensors of the state dict in file order: the top-level dict, or its {@code 'state_dict'} entry when
     * present (training checkpoints, Lightning); {@code module.} (DataParallel) and {@code _orig_mod.}
     * (torch.compile) prefixes stripped.
     */
    static Map<String, TensorRef> stateDict(Object root, String file) {
        if (!(root instanceof Map)) {
            throw new CheckpointException(file + ": top-level object is " + Values.describe(root)
                    + ", not a state dict (a dict of tensors)");
        }
        Map<?, ?> dict = (Map<?, ?>) root;
        Object wrapped = dict.get("state_dict");
        if (wrapped instanceof Map) {
            dict = (Map<?, ?>) wrapped;
        }
        Map<String, TensorRef> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (e.getKey() instanceof String && e.getValue() instanceof TensorRef) {
                String key = strip((String) e.getKey());
                if (out.put(key, (TensorRef) e.getValue()) != null) {
                    throw new CheckpointException(file + ": weight '" + key
                            + "' appears twice once 'module.'/'_orig_mod.' prefixes are stripped");
                }
            }
        }
        if (out.isEmpty()) {
            List<String> keys = new ArrayList<>();
            for (Object k : dict.keySet()) {
                if (keys.size() == 20) {
                    keys.add("...");
                    break;
                }
                keys.add(Values.describe(k));
            }
            throw new CheckpointException(file + ": holds no tensors (not a model state dict; keys: " + keys + ")");
        }
        return out;
    }

    static String strip(String key) {
        boolean again = true;
        while (again) {
            again = false;
            for (String p : STRIPPED_PREFIXES) {
                if (key.startsWith(p) && key.length() > p.length()) {
                    key = key.substring(p.length());
                    again = true;
                }
            }
        }
        return key;
    }

    /** Lightning's {@code ema} entry (torch-ema state): the ordered {@code shadow_params}, or null. */
    static List<TensorRef> emaShadowParams(Object root, String file) {
        if (!(root instanceof Map)) {
            return null;
        }
        Object ema = ((Map<?, ?>) root).get("ema");
        if (!(ema instanceof Map)) {
            return null;
        }
        Object shadow = ((Map<?, ?>) ema).get("shadow_params");
        if (shadow == null) {
            return null;
        }
        Object[] items = Values.tupleItems(shadow);
        if (items == null) {
            throw new CheckpointException(file + ": ema.shadow_params is " + Values.describe(shadow) + ", not a list");
        }
        List<TensorRef> out = new ArrayList<>(items.length);
        for (int i = 0; i < items.length; i++) {
            if (!(items[i] instanceof TensorRef)) {
                throw new CheckpointException(file + ": ema.shadow_params[" + i + "] is "
                        + Values.describe(items[i]) + ", not a tensor");
            }
            out.add((TensorRef) items[i]);
        }
        return out;
    }

    /**
     * Lightning's {@code hyper_parameters} (a dict, AttributeDict or Namespace) or a safetensors header's
     * {@code __metadata__}, as plain values with string keys; empty when absent.
     */
    static Map<String, Object> hyperParameters(ParsedCheckpoint parsed, String file, Function<TensorRef, Object> tensors) {
        if (!(parsed.root() instanceof Map)) {
            return Map.of();
        }
        Map<?, ?> root = (Map<?, ?>) parsed.root();
        Object hp = root.get(parsed.format() == CheckpointFormat.SAFETENSORS ? "__metadata__" : "hyper_parameters");
        if (hp instanceof PythonObjectPlaceholder && ((PythonObjectPlaceholder) hp).isInstance()) {
            hp = ((PythonObjectPlaceholder) hp).state();
        }
        if (!(hp instanceof Map)) {
            return Map.of();
        }
        Object plain = Values.plain(hp, tensors, file);
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) plain).entrySet()) {
            out.put(String.valueOf(e.getKey()), e.getValue());
        }
        return Collections.unmodifiableMap(out);
    }
}
