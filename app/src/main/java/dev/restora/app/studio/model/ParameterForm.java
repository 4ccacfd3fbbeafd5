package dev.restora.app.studio.model;

import dev.restora.core.pipeline.ParameterSpec;
import dev.restora.core.pipeline.ParameterValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The parameter form of a pipeline, generated from its {@link ParameterSpec}s: one field per spec with its current
 * value and validation message. The view picks the control from {@link Field#control()}.
 */
public final class ParameterForm {

    /** Which control a field gets. */
    public enum Control { INT, DOUBLE, BOOL, CHOICE, SEED, TEXT }

    /** One parameter: its spec, its value and the error of the last edit (null when valid). */
    public static final class Field {
        private final ParameterSpec<?> spec;
        private final Prop<Object> value;
        private final Prop<String> error = new Prop<>(null);

        Field(ParameterSpec<?> spec) {
            this.spec = spec;
            this.value = new Prop<>(spec.defaultValue());
        }

        public ParameterSpec<?> spec() {
            return spec;
        }

        public Prop<Object> value() {
            return value;
        }

        public Prop<String> error() {
            return error;
        }

        public Control control() {
            if (spec instanceof ParameterSpec.IntSpec) {
                return Control.INT;
            }
            if (spec instanceof ParameterSpec.DoubleSpec) {
                return Control.DOUBLE;
            }
            if (spec instanceof ParameterSpec.BoolSpec) {
                return Control.BOOL;
            }
            if (spec instanceof ParameterSpec.ChoiceSpec) {
                return Control.CHOICE;
            }
            if (spec instanceof ParameterSpec.SeedSpec) {
                return Control.SEED;
            }
            return Control.TEXT;
        }

        /** Sets a typed value (or text, parsed by the spec); an invalid one keeps the old value and sets the error. */
        public boolean set(Object v) {
            try {
                Object ok = v instanceof String s ? spec.parse(s) : spec.validate(v);
                value.set(ok);
                error.set(null);
                return true;
            } catch (IllegalArgumentException e) {
                error.set(e.getMessage());
                return false;
            }
        }

        /** Draws a fresh non-negative seed (the dice button). */
        public long rollSeed(Random random) {
            long s = dev.restora.core.diffusion.SeededNoise.randomSeed(random);
            set(s);
            return s;
        }

        public void reset() {
            value.set(spec.defaultValue());
            error.set(null);
        }
    }

    private final List<Field> fields = new ArrayList<>();

    public ParameterForm(List<ParameterSpec<?>> specs) {
        for (ParameterSpec<?> s : specs) {
            fields.add(new Field(s));
        }
    }

    public List<Field> fields() {
        return fields;
    }

    public Field field(String id) {
        return fields.stream().filter(f -> f.spec().id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no parameter " + id));
    }

    /** The values that differ from the defaults (what a job spec stores). */
    public Map<String, Object> overrides() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Field f : fields) {
            if (!java.util.Objects.equals(f.value().get(), f.spec().defaultValue())) {
                out.put(f.spec().id(), f.value().get());
            }
        }
        return out;
    }

    /** Applies stored overrides, ignoring unknown ids or invalid values. */
    public void apply(Map<String, ?> values) {
        for (Field f : fields) {
            if (values.containsKey(f.spec().id())) {
                f.set(values.get(f.spec().id()));
            }
        }
    }

    /** Validated values for a run. */
    public ParameterValues values() {
        return ParameterValues.of(fields.stream().<ParameterSpec<?>>map(Field::spec).toList(), overrides());
    }

    /** The seed spec's field, or null when the pipeline takes no seed. */
    public Field seedField() {
        return fields.stream().filter(f -> f.control() == Control.SEED).findFirst().orElse(null);
    }

    public boolean hasErrors() {
        return fields.stream().anyMatch(f -> f.error().get() != null);
    }
}
