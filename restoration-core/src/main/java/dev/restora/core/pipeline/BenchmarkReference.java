package dev.restora.core.pipeline;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The official code's timings measured in the same sitting (the JSON written by
 * {@code shared/tools/reference-timing/time_reference.py}), and the ratios of a benchmark's own figures to them.
 * Nothing here holds a reference number: every figure comes from the file given.
 *
 * <p>A reference entry is either a bare number ({@code "pc_run_N30_corrector1_extrapolated_s": 551.2}) or an object
 * with {@code median_s} (a median of timed calls) or {@code single_run_s} (one timed run); the median is preferred.
 */
public final class BenchmarkReference {
    private final Path file;
    private final JsonObject json;

    private BenchmarkReference(Path file, JsonObject json) {
        this.file = file;
        this.json = json;
    }

    /** Reads a reference file; a missing or malformed file is an {@link IllegalArgumentException} naming it. */
    public static BenchmarkReference read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the reference timings (" + e.getMessage() + ")", e);
        }
        try {
            JsonElement e = JsonParser.parseString(text);
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException(file + ": not a JSON object of reference timings");
            }
            return new BenchmarkReference(file, e.getAsJsonObject());
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(file + ": not valid JSON (" + e.getMessage() + ")", e);
        }
    }

    /** The reference's seconds for {@code key}, or null when the file has no such entry. */
    Double seconds(String key) {
        JsonElement e = json.get(key);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            return e.getAsDouble();
        }
        if (e.isJsonObject()) {
            for (String k : new String[] {"median_s", "single_run_s"}) {
                JsonElement v = e.getAsJsonObject().get(k);
                if (v != null && v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber()) {
                    return v.getAsDouble();
                }
            }
        }
        return null;
    }

    /**
     * Fails naming the file when it holds not one of the reference keys of {@code mapping} (a file for another
     * pipeline, or not {@code time_reference.py}'s output): checked before a long benchmark starts.
     */
    public void requireAnyOf(Map<String, String> mapping) {
        for (String key : mapping.values()) {
            if (seconds(key) != null) {
                return;
            }
        }
        throw new IllegalArgumentException(file + ": none of the reference timings " + mapping.values()
                + " is in this file (is it time_reference.py's output for this pipeline?)");
    }

    /**
     * Compares {@code result} (a benchmark's output) with this reference: for every {@code our name -> reference key}
     * of {@code mapping} present on both sides, one row with both figures and the ratio ours / official (below 1:
     * we are faster). Fails naming the file when not one mapped key is present (the file is for another pipeline).
     */
    public Map<String, Object> compare(Map<String, Object> result, Map<String, String> mapping) {
        requireAnyOf(mapping);
        List<Map<String, Object>> rows = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, String> e : mapping.entrySet()) {
            Double ref = seconds(e.getValue());
            Double ours = ourSeconds(result, e.getKey());
            if (ref == null || ours == null) {
                missing.add(e.getKey());
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", e.getKey());
            row.put("reference_key", e.getValue());
            row.put("ours_seconds", ours);
            row.put("official_seconds", ref);
            row.put("ratio", ours / ref);
            Double conv = ourFigure(result, e.getKey(), "convolution_seconds");
            if (conv != null) {
                // the float convolutions alone against the whole official figure: the ratio an exact network
                // could reach on this CPU if everything besides its convolutions took no time
                row.put("ours_convolution_seconds", conv);
                row.put("convolution_ratio", conv / ref);
            }
            rows.add(row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("file", file.toString());
        for (String k : new String[] {"torch", "threads", "config"}) {
            if (json.has(k) && json.get(k).isJsonPrimitive()) {
                out.put("official_" + k, json.get(k).getAsString());
            }
        }
        out.put("ratios", rows);
        if (!missing.isEmpty()) {
            out.put("not_compared", missing);
        }
        return out;
    }

    /**
     * Our figure called {@code name}: a top-level number, a top-level object's {@code seconds}, or the
     * {@code seconds} of the entry of the {@code measurements} list with that {@code name}; null when absent.
     */
    static Double ourSeconds(Map<String, Object> result, String name) {
        Object v = result.get(name);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        return ourFigure(result, name, "seconds");
    }

    /**
     * The field {@code field} of our measurement {@code name}: of a top-level object of that name, or of the entry of
     * the {@code measurements} list with that {@code name}; null when absent.
     */
    static Double ourFigure(Map<String, Object> result, String name, String field) {
        if (result.get(name) instanceof Map<?, ?> m && m.get(field) instanceof Number n) {
            return n.doubleValue();
        }
        if (result.get("measurements") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m && name.equals(m.get("name")) && m.get(field) instanceof Number n) {
                    return n.doubleValue();
                }
            }
        }
        return null;
    }
}
