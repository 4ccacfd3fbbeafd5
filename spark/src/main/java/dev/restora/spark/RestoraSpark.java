package dev.restora.spark;

import dev.restora.core.RestoraException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code restora-spark --plan PLAN.json --input LISTING --out DIR [--report DIR]}: the job's main class, for
 * {@code spark-submit} and for the {@code restora-spark} launcher's local mode. Bad input is one line on stderr
 * naming the file and the problem, with exit code 2; a job whose items partly failed exits 1; a stack trace only
 * with {@code --verbose}.
 */
@Command(name = "restora-spark", mixinStandardHelpOptions = true, sortOptions = false, description = {
    "Restore a whole archive on Apache Spark with the pipelines of a batch plan (restora batch --save-plan).",
    "Re-running the same command finishes what an interrupted run left: committed outputs are verified and skipped."})
public final class RestoraSpark implements Callable<Integer> {
    /** Exit codes, as the desktop command line's. */
    static final int OK = 0;
    static final int FAILED_ITEMS = 1;
    static final int USAGE = 2;
    static final int JOB_FAILED = 3;

    @Option(names = "--plan", paramLabel = "PLAN.json", required = true,
            description = "The batch plan: pipeline, model, parameters, naming template, overwrite policy.")
    String plan;

    @Option(names = "--input", paramLabel = "LISTING",
            description = "A folder, a glob, or a text or Parquet file of paths, on any Hadoop file system "
                    + "(repeatable; default: the plan's inputs).")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "The output folder (default: the plan's).")
    String out;

    @Option(names = "--report", paramLabel = "DIR", description = "The report folder (default: DIR/_restora-report).")
    String report;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master when not set by spark-submit (default: local[*,3], all cores, 3 attempts).")
    String master;

    @Option(names = "--models-dir", paramLabel = "DIR",
            description = "The model store on every executor's local disk (default: the app's models folder).")
    String modelsDir;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "0",
            description = "Number of tasks (default: 4 per core, at most " + RestoraSparkJob.MAX_ITEMS_PER_PARTITION
                    + " items each).")
    int partitions;

    @Option(names = {"-v", "--verbose"}, description = "Spark's and the pipelines' logs, and stack traces.")
    boolean verbose;

    private final PrintWriter stdout;
    private final PrintWriter stderr;

    RestoraSpark(PrintWriter stdout, PrintWriter stderr) {
        this.stdout = stdout;
        this.stderr = stderr;
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line and returns the exit code (for tests: never calls {@code System.exit}). */
    static int run(String[] args, PrintWriter stdout, PrintWriter stderr) {
        RestoraSpark job = new RestoraSpark(stdout, stderr);
        CommandLine cl = new CommandLine(job).setOut(stdout).setErr(stderr);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> job.fail(e));
        cl.setParameterExceptionHandler((e, args2) -> {
            stderr.println("restora-spark: " + e.getMessage());
            stderr.println("usage: restora-spark --plan PLAN.json --input LISTING --out DIR [--report DIR]"
                    + " (--help for more)");
            return USAGE;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        if (!verbose) {
            quietLogs();
        }
        SparkSession existing = SparkSession.getActiveSession().getOrElse(
                () -> SparkSession.getDefaultSession().getOrElse(() -> null));
        SparkSession spark = existing != null ? existing : SparkSession.builder().config(conf()).getOrCreate();
        try {
            JobReport r = RestoraSparkJob.run(spark, new RestoraSparkJob.Options(plan, inputs, out, report, modelsDir,
                    partitions));
            stdout.println(r.summary());
            return r.count(dev.restora.core.batch.ItemState.FAILED) > 0 ? FAILED_ITEMS : OK;
        } finally {
            if (existing == null) {
                spark.stop();
            }
        }
    }

    private SparkConf conf() {
        SparkConf c = new SparkConf().setAppName("restora-spark");
        if (master != null) {
            c.setMaster(master);
        } else if (!c.contains("spark.master")) {
            c.setMaster("local[*,3]");
        }
        if (!c.contains("spark.ui.showConsoleProgress")) {
            c.set("spark.ui.showConsoleProgress", "false");
        }
        return c;
    }

    /** One line for the user; the trace with --verbose. */
    private int fail(Exception e) {
        Throwable cause = rootCause(e);
        if (verbose) {
            e.printStackTrace(stderr);
        }
        if (cause instanceof RestoraException) {
            stderr.println("restora-spark: " + firstLine(cause.getMessage()));
            stderr.flush();
            return USAGE;
        }
        String m = e instanceof SparkException ? firstLine(e.getMessage()) : String.valueOf(cause);
        stderr.println("restora-spark: the job failed: " + m + (verbose ? "" : " (--verbose for details);"
                + " run the same command again to finish it: committed outputs are kept"));
        stderr.flush();
        return JOB_FAILED;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (!(t instanceof RestoraException) && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t instanceof RestoraException ? t : e;
    }

    private static String firstLine(String m) {
        if (m == null) {
            return "unknown error";
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** Warnings only: Spark logs every task at INFO. */
    private static void quietLogs() {
        Configurator.setRootLevel(Level.WARN);
        Configurator.setLevel("org.apache.spark", Level.WARN);
        Configurator.setLevel("org.apache.hadoop", Level.ERROR);
        Configurator.setLevel("org.sparkproject", Level.WARN);
        Configurator.setLevel("ai.djl.util.cuda.CudaUtils", Level.ERROR);
    }
}
