package dev.restora.spark;

import dev.restora.core.batch.ItemState;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One row of the job report.
 *
 * @param index    the item's position in the listing
 * @param input    the input file
 * @param output   the output file (written, or verified from an earlier run, or that would have been written)
 * @param state    {@link ItemState#DONE}, {@link ItemState#SKIPPED} or {@link ItemState#FAILED}
 * @param seconds  wall time of this item on its executor (0 when skipped)
 * @param error    why it failed (null otherwise)
 * @param sha256   the output's SHA-256 (hex) when done or skipped as committed, else null
 * @param executor the Spark executor id and host that ran it
 * @param device   {@code cpu} or {@code gpu:N}
 * @param attempt  the task attempt number (0 = first)
 * @param note     why an item was skipped (committed by an earlier run, or an existing file kept by the plan)
 */
public record ItemOutcome(int index, String input, String output, ItemState state, double seconds, String error,
                          String sha256, String executor, String device, int attempt, String note)
        implements Serializable {

    /** The report's columns, in order. */
    public static final StructType SCHEMA = DataTypes.createStructType(List.of(
            DataTypes.createStructField("index", DataTypes.IntegerType, false),
            DataTypes.createStructField("input", DataTypes.StringType, false),
            DataTypes.createStructField("output", DataTypes.StringType, true),
            DataTypes.createStructField("state", DataTypes.StringType, false),
            DataTypes.createStructField("seconds", DataTypes.DoubleType, false),
            DataTypes.createStructField("error", DataTypes.StringType, true),
            DataTypes.createStructField("sha256", DataTypes.StringType, true),
            DataTypes.createStructField("executor", DataTypes.StringType, true),
            DataTypes.createStructField("device", DataTypes.StringType, true),
            DataTypes.createStructField("attempt", DataTypes.IntegerType, false),
            DataTypes.createStructField("note", DataTypes.StringType, true)));

    public Row toRow() {
        return RowFactory.create(index, input, output, state.name(), seconds, error, sha256, executor, device, attempt,
                note);
    }
}
