package dev.restora.core.pipeline;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validated parameter values for one run: every parameter of the descriptor has a value (its default
 * unless set). Immutable.
 */
public final class ParameterValues {
    private final Map<String, Object> values;

    private ParameterValues(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** Defaults overridden by {@code overrides}; an unknown id or a value out of range is an {@link IllegalArgumentException}. */
    public static ParameterValues of(List<ParameterSpec<?>> specs, Map<String, ?> overrides) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (ParameterSpec<?> s : specs) {
            out.put(s.id(), s.defaultValue());
        }
        for (Map.Entry<String, ?> e : overrides.entrySet()) {
            ParameterSpec<?> spec = specs.stream().filter(s -> s.id().equals(e.getKey())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown parameter '" + e.getKey() + "'; known: "
                            + specs.stream().map(ParameterSpec::id).toList()));
            Object v = e.getValue();
            out.put(spec.id(), v instanceof String text ? spec.parse(text) : spec.validate(v));
        }
        return new ParameterValues(out);
    }

    public static ParameterValues defaults(List<ParameterSpec<?>> specs) {
        return of(specs, Map.of());
    }

    public Map<String, Object> asMap() {
        return values;
    }

    private Object require(String id) {
        Object v = values.get(id);
        if (v == null) {
            throw new IllegalArgumentException("no parameter '" + id + "'");
        }
        return v;
    }

    public int getInt(String id) {
        return ((Number) require(id)).intValue();
    }

    public long getLong(String id) {
        return ((Number) require(id)).longValue();
    }

    public double getDouble(String id) {
        return ((Number) require(id)).doubleValue();
    }

    public boolean getBoolean(String id) {
        return (Boolean) require(id);
    }

    public String getString(String id) {
        return (String) require(id);
    }

    public boolean has(String id) {
        return values.containsKey(id);
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
