package dev.restora.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's Java main: bad input is one clear line and exit code 2, a stack trace only with --verbose. */
class RestoraSparkMainTest {
    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void session() {
        TestSpark.session(); // the main uses the active session instead of starting one per case
    }

    private int run(String... args) {
        return RestoraSpark.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    /** Exit code 2 and exactly one line on stderr, containing {@code expected}, without a stack trace. */
    private void assertOneLine(int code, String expected) {
        String e = err.toString().strip();
        assertEquals(RestoraSpark.USAGE, code, e);
        assertTrue(e.contains(expected), e);
        assertEquals(1, e.lines().count(), e);
        assertFalse(e.contains("\tat ") || e.contains("Caused by"), e);
    }

    private Path images() throws IOException {
        Path in = tmp.resolve("in");
        if (!Files.exists(in.resolve("text_x4.png"))) {
            TestSpark.copy(TestSpark.ASSETS.resolve("images/text_x4.png"), in.resolve("text_x4.png"));
        }
        return in;
    }

    @Test
    void aMissingPlanIsOneLine() throws IOException {
        Path plan = tmp.resolve("missing.json");
        assertOneLine(run("--plan", plan.toString(), "--input", images().toString(), "--out", tmp.resolve("o")
                .toString()), plan + ": no such batch plan");
    }

    @Test
    void aPlanThatIsNotJsonOrAFolderIsOneLine() throws IOException {
        Path plan = tmp.resolve("plan.json");
        Files.writeString(plan, "{ this is not json");
        assertOneLine(run("--plan", plan.toString(), "--input", images().toString(), "--out", tmp.resolve("o")
                .toString()), plan + ": not a valid batch plan");
        err.getBuffer().setLength(0);
        assertOneLine(run("--plan", tmp.toString(), "--input", images().toString(), "--out", tmp.resolve("o")
                .toString()), tmp + ": cannot read the batch plan");
    }

    @Test
    void anUnknownPipelineIsOneLineListingTheKnownOnes() throws IOException {
        Path plan = TestSpark.plan(tmp, "no-such-pipeline");
        assertOneLine(run("--plan", plan.toString(), "--input", images().toString(), "--out", tmp.resolve("o")
                .toString()), "no pipeline 'no-such-pipeline'; known pipelines: ");
        assertTrue(err.toString().contains("classic-image"), err.toString());
    }

    @Test
    void anEmptyListingIsOneLine() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Files.writeString(empty.resolve("readme.txt"), "no images here");
        assertOneLine(run("--plan", TestSpark.plan(tmp, "classic-image").toString(), "--input", empty.toString(),
                "--out", tmp.resolve("o").toString()), empty + ": no image or audio file to restore");
    }

    @Test
    void anUnreadableListingIsOneLine() {
        Path missing = tmp.resolve("nowhere");
        assertOneLine(run("--plan", TestSpark.plan(tmp, "classic-image").toString(), "--input", missing.toString(),
                "--out", tmp.resolve("o").toString()), missing + ": no such file or folder");
        err.getBuffer().setLength(0);
        assertOneLine(run("--plan", TestSpark.plan(tmp, "classic-image").toString(), "--input",
                tmp.resolve("scans-*/none*.tif").toString(), "--out", tmp.resolve("o").toString()), "no file matches");
    }

    @Test
    void aMissingOptionIsAUsageLine() {
        int code = run("--input", tmp.toString());
        assertEquals(RestoraSpark.USAGE, code);
        assertTrue(err.toString().contains("--plan"), err.toString());
        assertFalse(err.toString().contains("\tat "), err.toString());
    }

    @Test
    void verboseShowsTheStackTrace() {
        int code = run("--verbose", "--plan", tmp.resolve("missing.json").toString(), "--input", tmp.toString(),
                "--out", tmp.resolve("o").toString());
        assertEquals(RestoraSpark.USAGE, code);
        assertTrue(err.toString().contains("\tat dev.restora.spark."), err.toString());
    }

    @Test
    void aJobWithAFailedItemPrintsTheSummaryAndExitsOne() throws IOException {
        Path in = images();
        TestSpark.copy(TestSpark.ASSETS.resolve("bad/truncated.png"), in.resolve("truncated.png"));
        int code = run("--plan", TestSpark.plan(tmp, "classic-image").toString(), "--input", in.toString(), "--out",
                tmp.resolve("o").toString());
        assertEquals(RestoraSpark.FAILED_ITEMS, code, err.toString());
        assertTrue(out.toString().startsWith("2 items: 1 done, 0 skipped, 1 failed in "), out.toString());
        assertTrue(out.toString().contains(" items/s restored"), out.toString());
    }
}
