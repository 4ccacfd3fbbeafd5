package dev.restora.spark;

import dev.restora.core.batch.BatchPlan;
import java.io.Serializable;

/**
 * What every executor needs besides its items, shipped with the task closure.
 *
 * @param planJson    the batch plan ({@link BatchPlan#toJson()}): parameters, naming, overwrite policy
 * @param outputRoot  the output folder, fully qualified
 * @param modelsDir   the model store folder on the executors' local disk, or null for the default
 * @param maxFailures task attempts Spark makes ({@code spark.task.maxFailures}, or F of {@code local[N,F]}); an item
 *                    that may be transient fails its task on every attempt but the last, and is recorded as failed on
 *                    the last
 * @param startedAt   when the job started (epoch milliseconds): an output committed since was made by an earlier
 *                    attempt of this job's task (reported done), one committed before by an earlier run (skipped)
 */
public record JobSettings(String planJson, String outputRoot, String modelsDir, int maxFailures, long startedAt)
        implements Serializable {

    /** The folder (below the output) holding one commit record per committed output. */
    public static final String COMMITS_DIR = ".restora-commits";

    public BatchPlan plan() {
        return BatchPlan.fromJson(planJson);
    }
}
