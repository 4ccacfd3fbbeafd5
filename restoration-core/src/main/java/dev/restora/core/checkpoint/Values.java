package dev.restora.core.checkpoint;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Helpers for unpickled values: safe short descriptions and conversion to plain Java values. */
final class Values {
    /** Deeper nesting than this is refused when converting (no checkpoint needs it; recursion stays bounded). */
    static final int MAX_DEPTH = 200;

    private Values() {
    }

    /** Items of a pickled tuple (Object[]) or list, else null. */
    static Object[] tupleItems(Object o) {
        if (o instanceof Object[]) {
            return (Object[]) o;
        }
        if (o instanceof List) {
            return ((List<?>) o).toArray();
        }
        return null;
    }

    /** A short description that never recurses into containers (safe for cyclic or deep values). */
    static String describe(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof String) {
            String s = (String) o;
            return "'" + (s.length() > 60 ? s.substring(0, 60) + "..." : s) + "'";
        }
        if (o instanceof Number || o instanceof Boolean || o instanceof PythonObjectPlaceholder
                || o instanceof TensorRef) {
            return o.toString();
        }
        if (o instanceof Object[]) {
            return "a tuple of " + ((Object[]) o).length;
        }
        if (o instanceof List) {
            return "a list of " + ((List<?>) o).size();
        }
        if (o instanceof Map) {
            return "a dict of " + ((Map<?, ?>) o).size();
        }
        if (o instanceof Set) {
            return "a set of " + ((Set<?>) o).size();
        }
        if (o instanceof byte[]) {
            return ((byte[]) o).length + " bytes";
        }
        if (o instanceof StorageRef) {
            return "storage '" + ((StorageRef) o).key() + "'";
        }
        return o.getClass().getSimpleName();
    }

    /**
     * Converts an unpickled value to plain Java values: Map (insertion ordered, unmodifiable), List (for lists and
     * tuples), String, Long, Double, Boolean, BigInteger, byte[], null, PythonObjectPlaceholder; tensors become
     * {@code tensors.apply(ref)}. Shared sub-objects stay shared; cycles are kept.
     */
    static Object plain(Object o, Function<TensorRef, Object> tensors, String file) {
        return new Converter(tensors, file).convert(o, 0);
    }

    private static final class Converter {
        private final Function<TensorRef, Object> tensors;
        private final String file;
        private final Map<Object, Object> done = new IdentityHashMap<>();

        Converter(Function<TensorRef, Object> tensors, String file) {
            this.tensors = tensors;
            this.file = file;
        }

        Object convert(Object o, int depth) {
            if (o == null || o instanceof String || o instanceof Boolean || o instanceof Double
                    || o instanceof Long || o instanceof BigInteger || o instanceof byte[]) {
                return o;
            }
            if (o instanceof PythonObjectPlaceholder) {
                PythonObjectPlaceholder p = (PythonObjectPlaceholder) o;
                if (!p.isInstance()) {
                    return p;
                }
                if (depth > MAX_DEPTH) {
                    throw new CheckpointException(file + ": values nested deeper than " + MAX_DEPTH + " levels");
                }
                Object seen = done.get(o);
                if (seen != null) {
                    return seen;
                }
                List<Object> args = new ArrayList<>();
                for (Object a : p.args()) {
                    args.add(convert(a, depth + 1));
                }
                Map<Object, Object> state = new LinkedHashMap<>();
                for (Map.Entry<Object, Object> e : p.state().entrySet()) {
                    state.put(convertKey(e.getKey(), depth + 1), convert(e.getValue(), depth + 1));
                }
                PythonObjectPlaceholder c = p.converted(args, state);
                done.put(o, c);
                return c;
            }
            if (o instanceof Integer || o instanceof Short || o instanceof Byte) {
                return ((Number) o).longValue();
            }
            if (o instanceof Float) {
                return ((Float) o).doubleValue();
            }
            if (depth > MAX_DEPTH) {
                throw new CheckpointException(file + ": values nested deeper than " + MAX_DEPTH + " levels");
            }
            Object seen = done.get(o);
            if (seen != null) {
                return seen;
            }
            if (o instanceof TensorRef) {
                Object t = tensors.apply((TensorRef) o);
                done.put(o, t);
                return t;
            }
            if (o instanceof Map) {
                Map<Object, Object> out = new LinkedHashMap<>();
                Map<Object, Object> view = Collections.unmodifiableMap(out);
                done.put(o, view);
                for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) {
                    out.put(convertKey(e.getKey(), depth + 1), convert(e.getValue(), depth + 1));
                }
                return view;
            }
            if (o instanceof Object[] || o instanceof List) {
                Object[] items = tupleItems(o);
                List<Object> out = new ArrayList<>(items.length);
                List<Object> view = Collections.unmodifiableList(out);
                done.put(o, view);
                for (Object item : items) {
                    out.add(convert(item, depth + 1));
                }
                return view;
            }
            if (o instanceof Set) {
                Set<Object> out = new LinkedHashSet<>();
                Set<Object> view = Collections.unmodifiableSet(out);
                done.put(o, view);
                for (Object item : (Set<?>) o) {
                    out.add(convertKey(item, depth + 1));
                }
                return view;
            }
            if (o instanceof StorageRef) {
                return "storage '" + ((StorageRef) o).key() + "'";
            }
            return o;
        }

        /** Keys stay hashable by value: a tuple key becomes its Python repr, e.g. "(1, 'a')". */
        private Object convertKey(Object k, int depth) {
            if (k instanceof Object[] || k instanceof Set) {
                return repr(k, 0);
            }
            return convert(k, depth);
        }

        private String repr(Object k, int depth) {
            if (depth > 8) {
                return "...";
            }
            if (k instanceof String) {
                return "'" + k + "'";
            }
            if (k instanceof Object[] || k instanceof Set) {
                Object[] items = k instanceof Set ? ((Set<?>) k).toArray() : (Object[]) k;
                StringBuilder sb = new StringBuilder(k instanceof Set ? "{" : "(");
                for (int i = 0; i < items.length && sb.length() < 200; i++) {
                    sb.append(i > 0 ? ", " : "").append(repr(items[i], depth + 1));
                }
                if (items.length == 1 && !(k instanceof Set)) {
                    sb.append(',');
                }
                return sb.append(k instanceof Set ? "}" : ")").toString();
            }
            if (k == null) {
                return "None";
            }
            if (k instanceof Boolean) {
                return (Boolean) k ? "True" : "False";
            }
            return describe(k);
        }
    }
}
