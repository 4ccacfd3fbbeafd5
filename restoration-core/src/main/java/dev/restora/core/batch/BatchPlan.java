package dev.restora.core.batch;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.restora.core.RestoraException;
import dev.restora.core.io.AtomicFiles;
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
        for (Map.Entry<String, Object> e : p.parameters.entrySet()) {
            // JSON numbers come back as doubles; whole numbers go back to longs so integer parameters validate
            if (e.getValue() instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
                e.setValue(d.longValue());
            }
        }
        return p;
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
        if (output == null || output.isBlank()) {
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

    /**
     * Identifies what a run produces (pipeline, model, parameters, naming, format), for the resume journal and the
     * Spark job's commit records: an output made under another fingerprint is not this plan's.
     */
    public String fingerprint() {
        return pipeline + "|" + model + "|" + new java.util.TreeMap<>(parameters) + "|" + naming + "|" + format;
    }
}
