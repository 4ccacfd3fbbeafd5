package dev.restora.app.studio.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a queued job does, in a form that survives a restart (the queue file). Plain fields for Gson.
 * Kind {@code restore}: one file through a pipeline to an output file; kind {@code batch}: a {@link
 * dev.restora.core.batch.BatchPlan} (its JSON in {@link #plan}). A pasted image has no input path and is not persisted.
 */
public final class JobSpec {
    public static final String RESTORE = "restore";
    public static final String BATCH = "batch";

    public String kind = RESTORE;
    public String title;
    public String input;
    public String pipeline;
    public String model;
    public Map<String, Object> parameters = new LinkedHashMap<>();
    public long seed = -1;
    /** The output file (restore) or null to choose it when the job runs. */
    public String output;
    /** The batch plan JSON (batch). */
    public String plan;

    public static JobSpec restore(String title, String input, String pipeline, String model,
                                  Map<String, ?> parameters, long seed, String output) {
        JobSpec s = new JobSpec();
        s.kind = RESTORE;
        s.title = title;
        s.input = input;
        s.pipeline = pipeline;
        s.model = model;
        s.parameters = new LinkedHashMap<>(parameters);
        s.seed = seed;
        s.output = output;
        return s;
    }

    public static JobSpec batch(String title, String planJson) {
        JobSpec s = new JobSpec();
        s.kind = BATCH;
        s.title = title;
        s.plan = planJson;
        return s;
    }

    /** Whether the job can be re-created after a restart. */
    public boolean persistable() {
        return BATCH.equals(kind) ? plan != null : input != null && pipeline != null;
    }
}
