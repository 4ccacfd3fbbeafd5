package dev.restora.spark;

import java.io.Serializable;

/**
 * One file of the job as the driver plans it and an executor runs it.
 *
 * @param index      position in the listing (stable for a given listing)
 * @param input      the input file, a fully qualified Hadoop path ({@code file:/...}, {@code hdfs://...}, ...)
 * @param output     the planned output file, fully qualified (mirrored relative path, the plan's naming template)
 * @param pipelineId the pipeline that restores it (the plan's, else the default of its media kind)
 * @param modelId    that pipeline's model
 */
public record SparkItem(int index, String input, String output, String pipelineId, String modelId)
        implements Serializable {
}
