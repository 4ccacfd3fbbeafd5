package dev.restora.core.models;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a pipeline expects to find in a weight file, checked by the model store after a download or import so
 * that a wrong file (another model, another version) is refused before a pipeline tries to load it.
 *
 * @param requiredTensors tensor names that must be present (a handful is enough to tell models apart)
 * @param shapes          optional expected shapes of some of those tensors; empty when only names are checked
 */
public record ExpectedStructure(List<String> requiredTensors, Map<String, List<Long>> shapes) {
    public ExpectedStructure {
        requiredTensors = List.copyOf(requiredTensors);
        shapes = Map.copyOf(shapes);
    }

    /** Only names are checked. */
    public static ExpectedStructure tensors(String... names) {
        return new ExpectedStructure(List.of(names), Map.of());
    }

    /** The same names plus an expected shape for {@code name}. */
    public ExpectedStructure withShape(String name, long... shape) {
        Map<String, List<Long>> s = new LinkedHashMap<>(shapes);
        s.put(name, java.util.Arrays.stream(shape).boxed().toList());
        List<String> names = requiredTensors.contains(name) ? requiredTensors
                : java.util.stream.Stream.concat(requiredTensors.stream(), java.util.stream.Stream.of(name)).toList();
        return new ExpectedStructure(names, s);
    }

    /**
     * The problems of a file whose tensors are {@code actual} (name to shape), empty when it matches.
     * Messages name the missing tensors and the wrong shapes.
     */
    public List<String> problems(Map<String, List<Long>> actual) {
        List<String> out = new java.util.ArrayList<>();
        List<String> missing = requiredTensors.stream().filter(n -> !actual.containsKey(n)).toList();
        if (!missing.isEmpty()) {
            out.add("missing tensors " + missing);
        }
        for (Map.Entry<String, List<Long>> e : shapes.entrySet()) {
            List<Long> got = actual.get(e.getKey());
            if (got != null && !got.equals(e.getValue())) {
                out.add("tensor " + e.getKey() + " has shape " + got + ", expected " + e.getValue());
            }
        }
        return out;
    }
}
