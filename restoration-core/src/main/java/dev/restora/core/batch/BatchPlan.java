package dev.restora.core.batch;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.restora.core.RestoraException;
import dev.restora.core.io.AtomicFiles;
import dev.restora.core.pipeline.Modality;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A batch job as the command line and the studio share it (JSON, see {@link #toJson()}):
 *
 * <pre>{@code
 * { "version": 1,
 *   "inputs": ["photos", "extra/one.jpg"], "recursive": true,
 *   "output": "restored", "naming": "{name}_{pipeline}_x{scale}.{ext}",
 *   "skipExisting": false, "overwrite": "SKIP", "continueOnError": true,
 *   "pipeline": "resshift", "model": "realsr-v3", "parameters": { "steps": 4 },
 *   "format": null }
 * }</pre>
 *
 * <p>A plan without a {@code pipeline} routes each media kind on its own: {@code "routes": {"image": {"pipeline":
 * "resshift", "model": "realsr-v3", "parameters": {...}}, "speech": {...}}}, and a kind without a route gets its
 * default ({@link dev.restora.core.restore.DefaultPipelines}) with the plan's {@code model} and {@code parameters}
 * ({@link #routeFor}). {@code routes} is optional: plans written before it read as before.
 *
 * Folder inputs are mirrored under the output folder ({@code photos/a/b.png -> restored/a/b_...png}); a file input
 * lands directly in it. Naming tokens: {@code {name}} (input file name without extension), {@code {ext}} (output
 * extension: {@code format} when set, else the input's when writable, else png / wav), {@code {pipeline}},
 * {@code {model}}, {@code {scale}}. Relative paths in a plan file are resolved against the plan file's folder.
 */
public final class BatchPlan {
    public static final String DEFAULT_NAMING = "{name}_{pipeline}.{ext}";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls()
            .create();

    private int version = 1;
    private List<String> inputs = new ArrayList<>();
    private boolean recursive = true;
    private String output;
    private String naming = DEFAULT_NAMING;
    private boolean skipExisting;
    private OverwritePolicy overwrite = OverwritePolicy.SKIP;
    private boolean continueOnError = true;
    private String pipeline;
    private String model;
    private Map<String, Object> parameters = new LinkedHashMap<>();
    private String format;
    /** Per media kind (lower-case {@link Modality} name), used when {@link #pipeline} is not set. */
    private Map<String, Route> routes = new LinkedHashMap<>();
    /** How outputs are laid out; not part of the JSON (a plan file is always a mirrored batch). */
    private transient Layout layout = Layout.MIRROR;

    /**
     * The pipeline, model (null: its default) and parameter overrides one media kind of a plan runs with.
     *
     * @param pipeline   pipeline id
     * @param model      model id, or null for the pipeline's default
     * @param parameters parameter overrides by id
     */
    public record Route(String pipeline, String model, Map<String, Object> parameters) {
        public Route {
            Objects.requireNonNull(pipeline, "pipeline");
            parameters = parameters == null ? Map.of() : java.util.Collections.unmodifiableMap(
                    new LinkedHashMap<>(parameters));
        }
    }

    /** Where outputs go. */
    public enum Layout {
        /** Folder inputs are mirrored under the output folder; {@code name_2} on a clash ({@code restora batch}). */
        MIRROR,
        /**
         * Every output directly in the output folder, or beside its input when there is none; {@code name-2} on a
         * clash; a named file that does not exist is an item that fails ({@code restora restore}).
         */
        FLAT
    }

    public BatchPlan() {
    }

    public static BatchPlan fromJson(String json) {
        BatchPlan p;
        try {
            p = GSON.fromJson(json, BatchPlan.class);
        } catch (JsonParseException e) {
            throw new RestoraException("not a valid batch plan: " + e.getMessage(), e);
        }
        if (p == null) {
            throw new RestoraException("empty batch plan");
        }
        if (p.inputs == null) {
            p.inputs = new ArrayList<>();
        }
        if (p.parameters == null) {
            p.parameters = new LinkedHashMap<>();
        }
        if (p.naming == null || p.naming.isBlank()) {
            p.naming = DEFAULT_NAMING;
        }
        if (p.overwrite == null) {
            p.overwrite = OverwritePolicy.SKIP;
        }
        p.layout = Layout.MIRROR;
        p.parameters = wholeNumbersAsLongs(p.parameters);
        Map<String, Route> routes = new LinkedHashMap<>();
        if (p.routes != null) {
            for (Map.Entry<String, Route> e : p.routes.entrySet()) {
                Route r = e.getValue();
                if (r == null || r.pipeline() == null || r.pipeline().isBlank()) {
                    throw new RestoraException("the batch plan's route for '" + e.getKey() + "' names no pipeline");
                }
                routes.put(kindKey(kind(e.getKey())), new Route(r.pipeline(), r.model(),
                        wholeNumbersAsLongs(r.parameters())));
            }
        }
        p.routes = routes;
        return p;
    }

    /** JSON numbers come back as doubles; whole numbers go back to longs so integer parameters validate. */
    private static Map<String, Object> wholeNumbersAsLongs(Map<String, Object> values) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (values != null) {
            values.forEach((k, v) -> out.put(k, v instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)
                    ? (Object) d.longValue() : v));
        }
        return out;
    }

    private static Modality kind(String key) {
        for (Modality m : Modality.values()) {
            if (kindKey(m).equalsIgnoreCase(key)) {
                return m;
            }
        }
        throw new RestoraException("unknown media kind '" + key + "' in the batch plan's routes; use "
                + java.util.Arrays.stream(Modality.values()).map(BatchPlan::kindKey).toList());
    }

    private static String kindKey(Modality kind) {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Reads a plan file; relative inputs and output resolve against the file's folder. */
    public static BatchPlan read(Path file) {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RestoraException(file + ": cannot read the batch plan (" + e.getMessage() + ")", e);
        }
        BatchPlan p;
        try {
            p = fromJson(json);
        } catch (RestoraException e) {
            throw new RestoraException(file + ": " + e.getMessage(), e);
        }
        Path base = file.toAbsolutePath().getParent();
        p.inputs = p.inputs.stream().map(i -> base.resolve(i).normalize().toString()).toList();
        if (p.output != null) {
            p.output = base.resolve(p.output).normalize().toString();
        }
        return p;
    }

    public String toJson() {
        return GSON.toJson(this);
    }

    /** Writes the plan (temporary file, then an atomic move). */
    public void write(Path file) {
        try {
            AtomicFiles.writeString(file, toJson());
        } catch (IOException e) {
            throw new RestoraException(file + ": cannot write the batch plan (" + e.getMessage() + ")", e);
        }
    }

    /** A {@link RestoraException} for a plan that cannot run (no inputs, no output, bad naming template). */
    public BatchPlan validate() {
        if (inputs.isEmpty()) {
            throw new RestoraException("the batch plan has no inputs");
        }
        if ((output == null || output.isBlank()) && layout == Layout.MIRROR) {
            throw new RestoraException("the batch plan has no output folder");
        }
        BatchNaming.checkTemplate(naming);
        return this;
    }

    /** The policy in effect: {@code skipExisting} forces {@link OverwritePolicy#SKIP}. */
    public OverwritePolicy effectiveOverwrite() {
        return skipExisting ? OverwritePolicy.SKIP : overwrite;
    }

    public int version() {
        return version;
    }

    public List<String> inputs() {
        return List.copyOf(inputs);
    }

    public BatchPlan inputs(List<String> value) {
        this.inputs = new ArrayList<>(value);
        return this;
    }

    public boolean recursive() {
        return recursive;
    }

    public BatchPlan recursive(boolean value) {
        this.recursive = value;
        return this;
    }

    public String output() {
        return output;
    }

    public BatchPlan output(String value) {
        this.output = value;
        return this;
    }

    public String naming() {
        return naming;
    }

    public BatchPlan naming(String value) {
        this.naming = value == null || value.isBlank() ? DEFAULT_NAMING : value;
        return this;
    }

    public boolean skipExisting() {
        return skipExisting;
    }

    public BatchPlan skipExisting(boolean value) {
        this.skipExisting = value;
        return this;
    }

    public OverwritePolicy overwrite() {
        return overwrite;
    }

    public BatchPlan overwrite(OverwritePolicy value) {
        this.overwrite = Objects.requireNonNull(value);
        return this;
    }

    public boolean continueOnError() {
        return continueOnError;
    }

    public BatchPlan continueOnError(boolean value) {
        this.continueOnError = value;
        return this;
    }

    public String pipeline() {
        return pipeline;
    }

    public BatchPlan pipeline(String value) {
        this.pipeline = value;
        return this;
    }

    public String model() {
        return model;
    }

    public BatchPlan model(String value) {
        this.model = value;
        return this;
    }

    public Map<String, Object> parameters() {
        return java.util.Collections.unmodifiableMap(parameters);
    }

    public BatchPlan parameters(Map<String, ?> value) {
        this.parameters = new LinkedHashMap<>(value);
        return this;
    }

    /** The output extension to force (png, jpg, tif, wav), or null to follow the input. */
    public String format() {
        return format;
    }

    public BatchPlan format(String value) {
        this.format = value == null || value.isBlank() ? null : value.replaceFirst("^\\.", "");
        return this;
    }

    /** The explicit per-kind routes (empty when the plan has none), by kind. */
    public Map<Modality, Route> routes() {
        Map<Modality, Route> out = new java.util.EnumMap<>(Modality.class);
        routes.forEach((k, r) -> out.put(kind(k), r));
        return java.util.Collections.unmodifiableMap(out);
    }

    /** Routes files of {@code kind} to {@code route} (null removes the kind's route); used when no pipeline is set. */
    public BatchPlan route(Modality kind, Route route) {
        if (route == null) {
            routes.remove(kindKey(kind));
        } else {
            routes.put(kindKey(kind), route);
        }
        return this;
    }

    /**
     * What files of {@code kind} run with: the plan's {@link #pipeline()} when set (every file), else the kind's route,
     * else null (the caller picks the kind's default and applies the plan's model and parameters to it).
     */
    public Route routeFor(Modality kind) {
        if (pipeline != null && !pipeline.isBlank()) {
            return new Route(pipeline, model, parameters);
        }
        return routes.get(kindKey(kind));
    }

    /**
     * The parameters files restored with {@code pipelineId} get: a route's own when the plan has no single pipeline and
     * a route names that pipeline, else the plan's.
     */
    public Map<String, Object> parametersFor(String pipelineId) {
        if (pipeline == null || pipeline.isBlank()) {
            for (Route r : routes.values()) {
                if (r.pipeline().equals(pipelineId)) {
                    return r.parameters();
                }
            }
        }
        return parameters();
    }

    public Layout layout() {
        return layout;
    }

    /** How outputs are laid out (not written to the JSON). */
    public BatchPlan layout(Layout value) {
        this.layout = Objects.requireNonNull(value);
        return this;
    }

    /**
     * Identifies what a run produces (pipeline, model, parameters, routes, naming, format), for the resume journal and
     * the Spark job's commit records: an output made under another fingerprint is not this plan's.
     */
    public String fingerprint() {
        String base = pipeline + "|" + model + "|" + new java.util.TreeMap<>(parameters) + "|" + naming + "|" + format;
        if (routes.isEmpty()) {
            return base; // as before routes existed, so an older run's journal still resumes
        }
        StringBuilder sb = new StringBuilder(base);
        new java.util.TreeMap<>(routes).forEach((k, r) -> sb.append('|').append(k).append('=').append(r.pipeline())
                .append('/').append(r.model()).append('/').append(new java.util.TreeMap<>(r.parameters())));
        return sb.toString();
    }
}
