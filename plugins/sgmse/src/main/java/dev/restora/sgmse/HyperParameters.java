package dev.restora.sgmse;

import dev.restora.core.checkpoint.CheckpointException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed access to a Lightning checkpoint's {@code hyper_parameters} with the defaults of spec §6.4 supplied by the
 * caller. Values may arrive as any pickle number type, Python lists or tuples; a wrong type is a clear error
 * naming the checkpoint and the key.
 */
public final class HyperParameters {
    private final Map<String, Object> values;
    private final String source;

    public HyperParameters(Map<String, Object> values, String source) {
        this.values = Map.copyOf(withoutNulls(values));
        this.source = source;
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> in) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        in.forEach((k, v) -> {
            if (k != null && v != null) {
                out.put(k, v);
            }
        });
        return out;
    }

    public Map<String, Object> asMap() {
        return values;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    private CheckpointException wrong(String key, String expected) {
        return new CheckpointException(source + ": hyper-parameter '" + key + "' should be " + expected + ", found "
                + values.get(key) + " (" + values.get(key).getClass().getSimpleName() + ")");
    }

    public String string(String key, String def) {
        Object v = values.get(key);
        if (v == null) {
            return def;
        }
        return v.toString();
    }

    public double number(String key, double def) {
        Object v = values.get(key);
        if (v == null) {
            return def;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw wrong(key, "a number");
            }
        }
        throw wrong(key, "a number");
    }

    public int integer(String key, int def) {
        double d = number(key, def);
        if (d != Math.rint(d)) {
            throw wrong(key, "a whole number");
        }
        return (int) d;
    }

    public boolean bool(String key, boolean def) {
        Object v = values.get(key);
        if (v == null) {
            return def;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s);
        }
        throw wrong(key, "true or false");
    }

    /** A list of whole numbers (a Python list or tuple, or a single number). */
    public int[] integers(String key, int[] def) {
        Object v = values.get(key);
        if (v == null) {
            return def.clone();
        }
        List<Object> items = new ArrayList<>();
        if (v instanceof Collection<?> c) {
            items.addAll(c);
        } else if (v instanceof Object[] a) {
            items.addAll(List.of(a));
        } else if (v instanceof Number) {
            items.add(v);
        } else {
            throw wrong(key, "a list of whole numbers");
        }
        int[] out = new int[items.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(items.get(i) instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
                throw wrong(key, "a list of whole numbers");
            }
            out[i] = n.intValue();
        }
        return out;
    }

    public Set<Integer> integerSet(String key, int[] def) {
        Set<Integer> s = new LinkedHashSet<>();
        for (int v : integers(key, def)) {
            s.add(v);
        }
        return s;
    }

    public String source() {
        return source;
    }
}
