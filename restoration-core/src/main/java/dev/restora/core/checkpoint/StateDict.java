package dev.restora.core.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Named tensors in checkpoint order, as a network reads them: a network block takes its weights by key from a
 * {@link #sub(String) prefix view}, and once the whole network is built {@link #requireAllUsed()} reports keys
 * the checkpoint has but the network did not take. A missing or mis-shaped key is an error naming the key.
 */
public final class StateDict {
    private final Map<String, NDArray> tensors;
    private final Set<String> used;
    private final String prefix;
    private final String source;
    /** whether layers built from this view compute in half precision ({@link #inHalfPrecision()}) */
    private final boolean half;

    /** @param source what the tensors came from (a file name), for messages */
    public StateDict(Map<String, NDArray> tensors, String source) {
        this(Collections.unmodifiableMap(new LinkedHashMap<>(tensors)), new LinkedHashSet<>(), "", source, false);
    }

    private StateDict(Map<String, NDArray> tensors, Set<String> used, String prefix, String source, boolean half) {
        this.tensors = tensors;
        this.used = used;
        this.prefix = prefix;
        this.source = source;
        this.half = half;
    }

    /** A view of the keys under {@code prefix + "."}, sharing the used-key record. */
    public StateDict sub(String name) {
        return new StateDict(tensors, used, prefix + name + ".", source, half);
    }

    /**
     * The same tensors for a network instance built in half precision (autocast style, see
     * {@code dev.restora.core.nn.Precision}): the convolution and linear layers built from this view (and its sub
     * views) hold float16 copies of their weights, made once at load; the tensors here stay as they are.
     */
    public StateDict inHalfPrecision() {
        return new StateDict(tensors, used, prefix, source, true);
    }

    /** Whether layers built from this view compute in half precision. */
    public boolean halfPrecision() {
        return half;
    }

    public String prefix() {
        return prefix;
    }

    public String source() {
        return source;
    }

    public boolean has(String key) {
        return tensors.containsKey(prefix + key);
    }

    /** The tensor at {@code key} below this view's prefix; marks it used. */
    public NDArray get(String key) {
        String full = prefix + key;
        NDArray a = tensors.get(full);
        if (a == null) {
            List<String> near = new ArrayList<>();
            for (String k : tensors.keySet()) {
                if (k.startsWith(prefix) && near.size() < 12) {
                    near.add(k);
                }
            }
            throw new CheckpointException(source + ": missing weight '" + full + "'"
                    + (near.isEmpty() ? "; no key starts with '" + prefix + "'" : "; keys under '" + prefix + "': " + near));
        }
        used.add(full);
        return a;
    }

    /** The tensor at {@code key}, checked to have exactly {@code shape}. */
    public NDArray get(String key, long... shape) {
        NDArray a = get(key);
        if (!a.getShape().equals(new Shape(shape))) {
            throw new CheckpointException(source + ": weight '" + prefix + key + "' has shape " + a.getShape()
                    + ", expected " + new Shape(shape));
        }
        return a;
    }

    /** The tensor at {@code key} if present (marking it used), else null. */
    public NDArray getOptional(String key) {
        return has(key) ? get(key) : null;
    }

    /** Marks a key as deliberately not used (a buffer the port recomputes, for example). */
    public void ignore(String key) {
        if (has(key)) {
            used.add(prefix + key);
        }
    }

    /** All keys (full names), in checkpoint order. */
    public List<String> keys() {
        return List.copyOf(tensors.keySet());
    }

    /** All tensors (full names), in checkpoint order. */
    public Map<String, NDArray> asMap() {
        return tensors;
    }

    public int size() {
        return tensors.size();
    }

    /** Fails listing the keys nobody took: a checkpoint for another architecture or configuration. */
    public void requireAllUsed() {
        List<String> unused = new ArrayList<>();
        for (String k : tensors.keySet()) {
            if (!used.contains(k)) {
                unused.add(k);
            }
        }
        if (!unused.isEmpty()) {
            throw new CheckpointException(source + ": " + unused.size() + " weight(s) not used by the network, "
                    + "the checkpoint does not fit this model: " + (unused.size() > 20 ? unused.subList(0, 20) + " ..." : unused));
        }
    }
}
