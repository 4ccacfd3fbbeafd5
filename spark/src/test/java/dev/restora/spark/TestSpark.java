package dev.restora.spark;

import dev.restora.core.batch.BatchPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/** The tests' Spark session: local[2] on loopback, no UI; shared by every test class of the module's JVM. */
final class TestSpark {
    static final Path ASSETS = Path.of(System.getProperty("user.dir")).getParent().resolve("test-assets");
    private static SparkSession spark;

    private TestSpark() {
    }

    static SparkSession session() {
        return session("local[2]");
    }

    /** The session with this master, replacing the current one when it has another (e.g. local[2,2] for retries). */
    static synchronized SparkSession session(String master) {
        if (spark != null && !spark.sparkContext().master().equals(master)) {
            spark.stop();
            SparkSession.clearActiveSession();
            SparkSession.clearDefaultSession();
            spark = null;
        }
        if (spark == null) {
            String tmp = System.getProperty("restora.test.tmp", System.getProperty("java.io.tmpdir"));
            spark = SparkSession.builder().master(master).appName("restora-spark-test")
                    .config("spark.ui.enabled", false)
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.local.dir", Path.of(tmp, "spark-local").toString())
                    .config("spark.sql.shuffle.partitions", 2)
                    .getOrCreate();
        }
        return spark;
    }

    /** Writes a plan restoring with {@code pipeline} into {@code dir/plan.json}. */
    static Path plan(Path dir, String pipeline) {
        Path file = dir.resolve("plan-" + (pipeline == null ? "default" : pipeline) + ".json");
        new BatchPlan().pipeline(pipeline).naming("{name}_{pipeline}.{ext}").write(file);
        return file;
    }

    static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to);
    }

    /** Every regular file below {@code dir}, relative, sorted. */
    static java.util.List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }
}
