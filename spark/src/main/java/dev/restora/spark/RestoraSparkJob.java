package dev.restora.spark;

import dev.restora.core.RestoraException;
import dev.restora.core.batch.BatchPlan;
import dev.restora.core.plugins.PipelineRegistry;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver: reads the plan and the listings, plans the items, runs them on the executors (one Spark task per
 * partition of consecutive items) and writes the report.
 */
public final class RestoraSparkJob {
    /** Items per partition when the job is large: what a killed task may have to redo. */
    static final int MAX_ITEMS_PER_PARTITION = 100;
    private static final Pattern LOCAL_WITH_FAILURES = Pattern.compile("local\\[\\s*(?:\\d+|\\*)\\s*,\\s*(\\d+)\\s*]");

    /**
     * What to run.
     *
     * @param plan       the batch plan file ({@code restora batch --save-plan}), on any Hadoop file system
     * @param listings   folders, globs, text or Parquet listings; empty: the plan's inputs
     * @param output     the output folder; null: the plan's
     * @param report     the report folder; null: {@code <output>/_restora-report}
     * @param modelsDir  the model store on the executors' local disks; null: the default
     * @param partitions number of tasks; 0 picks one
     */
    public record Options(String plan, List<String> listings, String output, String report, String modelsDir,
                          int partitions) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(RestoraSparkJob.class);

    private RestoraSparkJob() {
    }

    /** Runs the job; bad input is a {@link RestoraException} naming the file and the problem. */
    public static JobReport run(SparkSession spark, Options o) throws IOException {
        long t0 = System.nanoTime();
        long startedAt = System.currentTimeMillis();
        SparkContext sc = spark.sparkContext();
        Configuration conf = sc.hadoopConfiguration();
        BatchPlan plan = readPlan(o.plan(), conf);
        List<String> listings = o.listings().isEmpty()
                ? plan.inputs().stream().map(i -> besidePlan(o.plan(), i)).toList() : o.listings();
        if (listings.isEmpty()) {
            throw new RestoraException("give the listing with --input (the plan " + o.plan() + " has no inputs)");
        }
        String out = o.output() != null ? o.output() : plan.output() == null ? null : besidePlan(o.plan(), plan.output());
        if (out == null || out.isBlank()) {
            throw new RestoraException("give the output folder with --out (the plan " + o.plan() + " has none)");
        }
        Path outputRoot = qualify(out, conf);
        plan.inputs(listings).output(outputRoot.toString());
        plan.validate();
        JobPlanner planner = new JobPlanner(plan, PipelineRegistry.load());

        Listing listing = new Listing(spark, conf, outputRoot, plan.recursive());
        List<Listing.Listed> files = new ArrayList<>();
        for (String l : listings) {
            files.addAll(listing.expand(l));
        }
        if (files.isEmpty()) {
            throw new RestoraException(String.join(", ", listings) + ": no image or audio file to restore");
        }
        JobPlanner.Planned planned = planner.plan(files, outputRoot);

        JobSettings settings = new JobSettings(plan.toJson(), outputRoot.toString(), o.modelsDir(),
                maxFailures(sc), startedAt);
        int stale = OutputCommitter.deleteStaleTemporaries(HadoopFiles.fs(outputRoot, conf), outputRoot);
        if (stale > 0) {
            LOG.info("deleted {} temporary files an interrupted run left in {}", stale, outputRoot);
        }
        List<ItemOutcome> outcomes = new ArrayList<>(planned.refused());
        if (!planned.items().isEmpty()) {
            int n = planned.items().size();
            int slices = o.partitions() > 0 ? o.partitions()
                    : Math.min(n, Math.max(sc.defaultParallelism() * 4, (n + MAX_ITEMS_PER_PARTITION - 1)
                    / MAX_ITEMS_PER_PARTITION));
            sc.setJobDescription("restora: " + n + " items into " + outputRoot);
            outcomes.addAll(JavaSparkContext.fromSparkContext(sc).parallelize(planned.items(), slices)
                    .mapPartitions(new PartitionRunner(settings, conf)).collect());
        }
        outcomes.sort(Comparator.comparingInt(ItemOutcome::index));
        JobReport report = new JobReport(outcomes, (System.nanoTime() - t0) / 1e9);
        Path reportDir = o.report() != null ? qualify(o.report(), conf) : new Path(outputRoot, "_restora-report");
        report.write(spark, conf, reportDir);
        return report;
    }

    /** The plan, read with the core's parser from any Hadoop file system. */
    static BatchPlan readPlan(String file, Configuration conf) {
        if (file == null) {
            throw new RestoraException("give the batch plan with --plan (write one with restora batch --save-plan)");
        }
        String json;
        try {
            Path p = new Path(file);
            FileSystem fs = HadoopFiles.fs(p, conf);
            if (fs.exists(p) && fs.getFileStatus(p).isDirectory()) {
                throw new RestoraException(file + ": cannot read the batch plan (it is a folder)");
            }
            try (InputStream in = fs.open(p)) {
                json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (FileNotFoundException e) {
            throw new RestoraException(file + ": no such batch plan", e);
        } catch (IOException | IllegalArgumentException e) {
            throw new RestoraException(file + ": cannot read the batch plan (" + e.getMessage() + ")", e);
        }
        try {
            return BatchPlan.fromJson(json);
        } catch (RestoraException e) {
            throw new RestoraException(file + ": " + e.getMessage(), e);
        }
    }

    /** A path of the plan file, relative ones resolved against the plan's folder (as the core's reader does). */
    private static String besidePlan(String planFile, String path) {
        Path p = new Path(path);
        return p.isAbsolute() || p.toUri().getScheme() != null ? path
                : new Path(new Path(planFile).getParent(), p).toString();
    }

    private static Path qualify(String path, Configuration conf) throws IOException {
        Path p = new Path(path);
        FileSystem fs = HadoopFiles.fs(p, conf);
        return fs.makeQualified(p);
    }

    /** Task attempts Spark makes: F of {@code local[N,F]}, 1 in other local modes, else spark.task.maxFailures. */
    static int maxFailures(SparkContext sc) {
        Matcher m = LOCAL_WITH_FAILURES.matcher(sc.master());
        if (m.matches()) {
            return Math.max(1, Integer.parseInt(m.group(1)));
        }
        if (sc.master().startsWith("local")) {
            return 1;
        }
        return Math.max(1, sc.getConf().getInt("spark.task.maxFailures", 4));
    }
}
