package dev.restora.spark;

import dev.restora.core.batch.ItemState;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The job's report in {@code DIR}: {@code items.parquet} and {@code items.csv} (Spark's folders of part files, one
 * row per item, columns {@link ItemOutcome#SCHEMA}) and {@code summary.txt} (the summary line).
 *
 * @param items   one outcome per listed file, in listing order
 * @param seconds wall time of the job (planning to the last item)
 */
record JobReport(List<ItemOutcome> items, double seconds) {

    long count(ItemState s) {
        return items.stream().filter(o -> o.state() == s).count();
    }

    /** {@code N items: D done, S skipped, F failed in T s (R items/s restored)}. */
    String summary() {
        long done = count(ItemState.DONE);
        return String.format(Locale.ROOT, "%d items: %d done, %d skipped, %d failed in %.1f s (%.2f items/s restored)",
                items.size(), done, count(ItemState.SKIPPED), count(ItemState.FAILED), seconds,
                seconds > 0 ? done / seconds : 0.0);
    }

    /** Writes the three files, replacing an earlier run's. */
    void write(SparkSession spark, Configuration conf, Path dir) throws IOException {
        Dataset<Row> df = spark.createDataFrame(items.stream().map(ItemOutcome::toRow).toList(), ItemOutcome.SCHEMA)
                .coalesce(1);
        df.write().mode(SaveMode.Overwrite).parquet(new Path(dir, "items.parquet").toString());
        df.write().mode(SaveMode.Overwrite).option("header", true).csv(new Path(dir, "items.csv").toString());
        FileSystem fs = HadoopFiles.fs(dir, conf);
        Path tmp = new Path(dir, ".summary.txt.tmp");
        try (OutputStream out = fs.create(tmp, true)) {
            out.write((summary() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        HadoopFiles.replace(fs, tmp, new Path(dir, "summary.txt"));
    }
}
