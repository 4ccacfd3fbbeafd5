package dev.restora.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.core.batch.ItemState;
import dev.restora.core.models.ModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a whole Spark application (driver and executor: local mode) mid-job, then runs the same job again: every
 * output committed before the kill is kept and skipped, the rest is restored, each input has exactly one output.
 */
class DriverKillTest {
    private static final int ITEMS = 16;

    @TempDir
    Path tmp;

    @Test
    void aKilledDriverLosesNothingCommittedAndTheReRunDuplicatesNothing() throws Exception {
        Path in = tmp.resolve("in");
        RestoraSparkJobTest.writeImages(in, ITEMS);
        Path out = tmp.resolve("out");
        Path plan = TestSpark.plan(tmp, ScopedTestProvider.ID);

        Process child = startChild(5, "local[2]", plan, in, out);
        assertTrue(child.waitFor(5, TimeUnit.MINUTES), "the child did not stop");
        assertEquals(137, child.exitValue(), Files.readString(tmp.resolve("child.log")));

        // what the killed run committed: whole outputs that verify against their records
        List<String> committed = RestoraSparkJobTest.outputs(out);
        assertTrue(committed.size() >= 5 && committed.size() < ITEMS, committed.toString());

        JobReport r = RestoraSparkJobTest.run(plan, in.toString(), out, 2);
        assertEquals(ITEMS, r.items().size());
        assertEquals(committed.size(), r.count(ItemState.SKIPPED), "every output of the killed run verifies: "
                + r.items());
        assertEquals(ITEMS - committed.size(), r.count(ItemState.DONE));
        assertEquals(ITEMS, RestoraSparkJobTest.outputs(out).size());
        assertTrue(TestSpark.files(out).stream().noneMatch(f -> f.contains(".restora-tmp")),
                "the killed run's temporary files are cleaned up");
        for (ItemOutcome o : r.items()) {
            assertEquals(ModelStore.sha256(Path.of(java.net.URI.create(o.output()))), o.sha256());
        }
    }

    private Process startChild(int haltAfter, String master, Path plan, Path in, Path out) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m"));
        cmd.addAll(List.of(System.getProperty("restora.spark.opens").trim().split("\\s+")));
        for (String p : List.of("ai.djl.offline", "DJL_CACHE_DIR", "jna.tmpdir", "ai.djl.pytorch.num_threads")) {
            if (System.getProperty(p) != null) {
                cmd.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        cmd.addAll(List.of("-Dspark.ui.enabled=false", "-Dspark.driver.host=127.0.0.1",
                "-Dspark.driver.bindAddress=127.0.0.1", "-cp", cp, DriverKillChild.class.getName(),
                String.valueOf(haltAfter), "--master", master, "--partitions", "2", "--plan", plan.toString(),
                "--input", in.toString(), "--out", out.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile())
                .start();
    }
}
