package dev.restora.core.pipeline;

import java.util.List;
import java.util.Locale;

/**
 * A typed, user-settable parameter of a pipeline with its default and range. The studio builds its
 * parameter form from these and the command line validates {@code --param id=value} against them.
 */
public sealed interface ParameterSpec<T> permits ParameterSpec.IntSpec, ParameterSpec.DoubleSpec,
        ParameterSpec.BoolSpec, ParameterSpec.ChoiceSpec, ParameterSpec.SeedSpec, ParameterSpec.PathSpec {

    String id();

    String label();

    String description();

    T defaultValue();

    /** Checks a value and returns it in its canonical type; throws {@link IllegalArgumentException} naming the range. */
    T validate(Object value);

    /** Parses the command-line text form, then validates. */
    T parse(String text);

    record IntSpec(String id, String label, String description, Integer defaultValue, int min, int max)
            implements ParameterSpec<Integer> {
        @Override
        public Integer validate(Object value) {
            if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
                throw new IllegalArgumentException(id + " must be a whole number, got " + value);
            }
            int v = n.intValue();
            if (v < min || v > max) {
                throw new IllegalArgumentException(id + " must be between " + min + " and " + max + ", got " + v);
            }
            return v;
        }

        @Override
        public Integer parse(String text) {
            try {
                return validate(Integer.parseInt(text.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(id + " must be a whole number, got '" + text + "'");
            }
        }
    }

    record DoubleSpec(String id, String label, String description, Double defaultValue, double min, double max)
            implements ParameterSpec<Double> {
        @Override
        public Double validate(Object value) {
            if (!(value instanceof Number n) || Double.isNaN(n.doubleValue())) {
                throw new IllegalArgumentException(id + " must be a number, got " + value);
            }
            double v = n.doubleValue();
            if (v < min || v > max) {
                throw new IllegalArgumentException(id + " must be between " + min + " and " + max + ", got " + v);
            }
            return v;
        }

        @Override
        public Double parse(String text) {
            try {
                return validate(Double.parseDouble(text.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(id + " must be a number, got '" + text + "'");
            }
        }
    }

    record BoolSpec(String id, String label, String description, Boolean defaultValue)
            implements ParameterSpec<Boolean> {
        @Override
        public Boolean validate(Object value) {
            if (!(value instanceof Boolean b)) {
                throw new IllegalArgumentException(id + " must be true or false, got " + value);
            }
            return b;
        }

        @Override
        public Boolean parse(String text) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            if (t.equals("true") || t.equals("yes") || t.equals("1") || t.equals("on")) {
                return true;
            }
            if (t.equals("false") || t.equals("no") || t.equals("0") || t.equals("off")) {
                return false;
            }
            throw new IllegalArgumentException(id + " must be true or false, got '" + text + "'");
        }
    }

    record ChoiceSpec(String id, String label, String description, String defaultValue, List<String> choices)
            implements ParameterSpec<String> {
        public ChoiceSpec {
            choices = List.copyOf(choices);
            if (!choices.contains(defaultValue)) {
                throw new IllegalArgumentException("default " + defaultValue + " is not one of " + choices);
            }
        }

        @Override
        public String validate(Object value) {
            if (!(value instanceof String s) || !choices.contains(s)) {
                throw new IllegalArgumentException(id + " must be one of " + choices + ", got " + value);
            }
            return s;
        }

        @Override
        public String parse(String text) {
            return validate(text.trim());
        }
    }

    /** A random seed; the default -1 means "pick one and report it" so every run is reproducible afterwards. */
    record SeedSpec(String id, String label, String description) implements ParameterSpec<Long> {
        @Override
        public Long defaultValue() {
            return -1L;
        }

        @Override
        public Long validate(Object value) {
            if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
                throw new IllegalArgumentException(id + " must be a whole number, got " + value);
            }
            return n.longValue();
        }

        @Override
        public Long parse(String text) {
            try {
                return Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(id + " must be a whole number, got '" + text + "'");
            }
        }
    }

    /**
     * A file given by path, such as an inpainting mask; the empty string (the default) means none. Only the text is
     * checked here: the pipeline reads the file and reports a missing or unreadable one naming it.
     */
    record PathSpec(String id, String label, String description) implements ParameterSpec<String> {
        @Override
        public String defaultValue() {
            return "";
        }

        @Override
        public String validate(Object value) {
            if (value instanceof java.nio.file.Path p) {
                return p.toString();
            }
            if (!(value instanceof String s)) {
                throw new IllegalArgumentException(id + " must be a file path, got " + value);
            }
            return s.trim();
        }

        @Override
        public String parse(String text) {
            return validate(text);
        }
    }
}
