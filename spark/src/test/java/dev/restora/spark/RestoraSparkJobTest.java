package dev.restora.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.core.batch.ItemState;
import dev.restora.core.models.ModelStore;
import dev.restora.core.pipeline.Modality;
import dev.restora.core.pipeline.PipelineBenchmark;
import dev.restora.core.plugins.PipelineRegistry;
import dev.restora.core.restore.DefaultPipelines;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job in local[2] on real files: the embedded pipelines, a corrupt input, killed tasks, re-runs. */
class RestoraSparkJobTest {
    @TempDir
    Path tmp;

    @AfterEach
    void noHooks() {
        PartitionRunner.hook = null;
        ScopedTestProvider.holdRun = 0;
        ScopedTestProvider.HELD.clear();
    }

    static JobReport run(Path plan, String listing, Path out, int partitions) throws IOException {
        return RestoraSparkJob.run(TestSpark.session(), new RestoraSparkJob.Options(plan.toString(),
                List.of(listing), out.toString(), null, null, partitions));
    }

    private static Map<String, ItemOutcome> byName(JobReport r) {
        return r.items().stream().collect(Collectors.toMap(o -> new org.apache.hadoop.fs.Path(o.input()).getName(),
                Function.identity()));
    }

    /** The final outputs: no hidden files (temporaries, commit records), no report. */
    static List<String> outputs(Path out) throws IOException {
        return TestSpark.files(out).stream().filter(f -> !f.startsWith("_restora-report")
                && !f.startsWith(JobSettings.COMMITS_DIR) && !Path.of(f).getFileName().toString().startsWith("."))
                .toList();
    }

    private static boolean hasTemporaries(Path out) throws IOException {
        return TestSpark.files(out).stream().anyMatch(f -> f.contains(".restora-tmp"));
    }

    @Test
    void restoresAFolderOfImagesRecordsTheCorruptOnesAndReRunSkipsWhatVerifies() throws IOException {
        Path in = tmp.resolve("in");
        TestSpark.copy(TestSpark.ASSETS.resolve("images/landscape_x4.png"), in.resolve("a/landscape_x4.png"));
        TestSpark.copy(TestSpark.ASSETS.resolve("images/text_x4.png"), in.resolve("text_x4.png"));
        TestSpark.copy(TestSpark.ASSETS.resolve("images/sprite-alpha_x4.png"), in.resolve("b/c/sprite-alpha_x4.png"));
        TestSpark.copy(TestSpark.ASSETS.resolve("bad/corrupt-data.png"), in.resolve("bad/corrupt-data.png"));
        TestSpark.copy(TestSpark.ASSETS.resolve("bad/text-named.png"), in.resolve("bad/text-named.png"));
        Files.writeString(in.resolve("notes.txt"), "not an image");
        Path out = tmp.resolve("out");
        Path plan = TestSpark.plan(tmp, "classic-image");

        JobReport r = run(plan, in.toString(), out, 0);

        assertEquals(5, r.items().size(), r.items().toString());
        assertEquals(3, r.count(ItemState.DONE), r.items().toString());
        assertEquals(2, r.count(ItemState.FAILED), r.items().toString());
        Map<String, ItemOutcome> rows = byName(r);
        for (String bad : List.of("corrupt-data.png", "text-named.png")) {
            ItemOutcome o = rows.get(bad);
            assertEquals(ItemState.FAILED, o.state());
            assertTrue(o.error().contains(bad), o.error());
            assertNull(o.sha256());
        }
        assertEquals(List.of("a/landscape_x4_classic-image.png", "b/c/sprite-alpha_x4_classic-image.png",
                "text_x4_classic-image.png"), outputs(out));
        for (ItemOutcome o : r.items()) {
            if (o.state() == ItemState.DONE) {
                Path file = Path.of(java.net.URI.create(o.output()));
                assertEquals(ModelStore.sha256(file), o.sha256(), "the report's hash is the output's");
                assertEquals("cpu", o.device());
                assertNotNull(o.executor());
                assertTrue(o.seconds() > 0);
            }
        }
        assertFalse(hasTemporaries(out));
        Path report = out.resolve("_restora-report");
        SparkSession spark = TestSpark.session();
        assertEquals(5, spark.read().parquet(report.resolve("items.parquet").toString()).count());
        assertEquals(2, spark.read().option("header", true).csv(report.resolve("items.csv").toString())
                .where("state = 'FAILED'").count());
        assertTrue(Files.readString(report.resolve("summary.txt")).startsWith("5 items: 3 done, 0 skipped, 2 failed"));

        // the same job again: every committed output verifies and is skipped; the corrupt inputs fail again
        long before = Files.getLastModifiedTime(out.resolve("text_x4_classic-image.png")).toMillis();
        JobReport again = run(plan, in.toString(), out, 0);
        assertEquals(3, again.count(ItemState.SKIPPED), again.items().toString());
        assertEquals(2, again.count(ItemState.FAILED));
        Map<String, ItemOutcome> second = byName(again);
        assertEquals(rows.get("text_x4.png").sha256(), second.get("text_x4.png").sha256());
        assertEquals(OutputCommitter.COMMITTED, second.get("text_x4.png").note());
        assertEquals(before, Files.getLastModifiedTime(out.resolve("text_x4_classic-image.png")).toMillis());

        // an output changed since its commit (same size, one byte) does not verify: it is restored again
        Path changed = out.resolve("text_x4_classic-image.png");
        byte[] bytes = Files.readAllBytes(changed);
        bytes[bytes.length / 2] ^= 1;
        Files.write(changed, bytes);
        JobReport third = run(plan, in.toString(), out, 0);
        assertEquals(ItemState.DONE, byName(third).get("text_x4.png").state());
        assertEquals(rows.get("text_x4.png").sha256().length(), byName(third).get("text_x4.png").sha256().length());
        assertEquals(2, third.count(ItemState.SKIPPED));
        assertEquals(3, outputs(out).size());
    }

    @Test
    void restoresAudioFromTextAndParquetListingsMirroringTheirCommonFolder() throws IOException {
        Path in = tmp.resolve("rec");
        TestSpark.copy(TestSpark.ASSETS.resolve("audio/speech_noisy_white_16k_mono.wav"),
                in.resolve("tape1/speech_noisy_white_16k_mono.wav"));
        TestSpark.copy(TestSpark.ASSETS.resolve("audio/formats/pcm16_16k_stereo.wav"),
                in.resolve("tape2/side-a/pcm16_16k_stereo.wav"));
        Path listing = tmp.resolve("listing.txt");
        Files.writeString(listing, "# two tapes\nrec/tape1/speech_noisy_white_16k_mono.wav\n\n"
                + in.resolve("tape2/side-a/pcm16_16k_stereo.wav").toAbsolutePath() + "\n", StandardCharsets.UTF_8);
        Path out = tmp.resolve("out");
        Path plan = TestSpark.plan(tmp, "classic-speech");
        Path reportDir = tmp.resolve("report");

        JobReport r = RestoraSparkJob.run(TestSpark.session(), new RestoraSparkJob.Options(plan.toString(),
                List.of(listing.toString()), out.toString(), reportDir.toString(), null, 0));

        assertEquals(2, r.count(ItemState.DONE), r.items().toString());
        assertEquals(List.of("tape1/speech_noisy_white_16k_mono_classic-speech.wav",
                "tape2/side-a/pcm16_16k_stereo_classic-speech.wav"), outputs(out));
        assertTrue(Files.isRegularFile(reportDir.resolve("summary.txt")));

        // the same files as a Parquet listing (column "path"): the same outputs, already committed
        SparkSession spark = TestSpark.session();
        List<Row> rows = new ArrayList<>();
        for (String f : List.of("tape1/speech_noisy_white_16k_mono.wav", "tape2/side-a/pcm16_16k_stereo.wav")) {
            rows.add(RowFactory.create(7, in.resolve(f).toAbsolutePath().toString()));
        }
        Path parquet = tmp.resolve("listing.parquet");
        spark.createDataFrame(rows, DataTypes.createStructType(List.of(
                DataTypes.createStructField("tape", DataTypes.IntegerType, false),
                DataTypes.createStructField("path", DataTypes.StringType, false)))).coalesce(1)
                .write().parquet(parquet.toString());
        JobReport again = run(plan, parquet.toString(), out, 0);
        assertEquals(2, again.count(ItemState.SKIPPED), again.items().toString());
        assertEquals(2, outputs(out).size());
    }

    @Test
    void aPlanWithoutPipelineTakesTheCoreDefaultOfEachMediaKind() throws IOException {
        PipelineRegistry registry = PipelineRegistry.load();
        Path in = tmp.resolve("mixed");
        TestSpark.copy(TestSpark.ASSETS.resolve("images/text_x4.png"), in.resolve("text_x4.png"));
        TestSpark.copy(TestSpark.ASSETS.resolve("audio/speech_reverb_16k_mono.wav"), in.resolve("speech.wav"));
        Path out = tmp.resolve("out");
        Listing listing = new Listing(TestSpark.session(), TestSpark.session().sparkContext().hadoopConfiguration(),
                new org.apache.hadoop.fs.Path(out.toUri()), true);
        JobPlanner.Planned p = new JobPlanner(new dev.restora.core.batch.BatchPlan(), registry)
                .plan(listing.expand(in.toString()), new org.apache.hadoop.fs.Path(out.toUri()));
        assertEquals(List.of(DefaultPipelines.forKind(registry, Modality.SPEECH).orElseThrow(),
                DefaultPipelines.forKind(registry, Modality.IMAGE).orElseThrow()),
                p.items().stream().map(SparkItem::pipelineId).toList());
    }

    /**
     * A task killed while its pipeline runs (Spark's killTaskAttempt, as when an executor is lost or a stage is
     * cancelled): the token stops the pipeline, Spark runs the task again, and every item ends with exactly one
     * output.
     */
    @Test
    void aTaskKilledMidItemIsRunAgainWithNothingLostOrDuplicated() throws Exception {
        Path in = tmp.resolve("in");
        writeImages(in, 12);
        Path out = tmp.resolve("out");
        Path plan = TestSpark.plan(tmp, ScopedTestProvider.ID);
        ScopedTestProvider.holdRun = 3; // the third item of partition 0's first attempt hangs until killed
        SparkSession spark = TestSpark.session();
        Thread killer = new Thread(() -> {
            try {
                Long task = ScopedTestProvider.HELD.poll(120, TimeUnit.SECONDS);
                if (task != null) {
                    spark.sparkContext().killTaskAttempt(task, true, "killed by the test");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        killer.start();

        JobReport r = run(plan, in.toString(), out, 2);
        killer.join();

        assertEquals(12, r.items().size());
        assertEquals(12, r.count(ItemState.DONE), r.items().toString());
        List<ItemOutcome> retried = r.items().stream().filter(o -> o.attempt() > 0).toList();
        assertEquals(6, retried.size(), "partition 0 ran twice: " + r.items());
        assertEquals(2, retried.stream().filter(o -> "committed by an earlier attempt of this job".equals(o.note()))
                .count(), "the two items committed before the kill are not redone");
        assertEquals(12, outputs(out).size());
        assertFalse(hasTemporaries(out), "the killed item's temporary output is gone");
    }

    /** Many items through one task: the pipeline is loaded once and the lane's NDArray count stays flat. */
    @Test
    void thousandsOfItemsThroughOneExecutorLoadThePipelineOnceAndKeepNativeMemoryFlat() throws Exception {
        int n = 1000;
        Path in = tmp.resolve("in");
        writeImages(in, n);
        Path out = tmp.resolve("out");
        Path plan = TestSpark.plan(tmp, ScopedTestProvider.Counting.ID);
        List<Integer> live = new ArrayList<>();
        long[] rss = new long[2];
        PartitionRunner.hook = (o, ctx) -> {
            int i = live.size();
            live.add(ExecutorRuntime.get().liveArrays());
            if (i == 100) {
                rss[0] = PipelineBenchmark.peakResidentBytes();
            } else if (i == n - 1) {
                rss[1] = PipelineBenchmark.peakResidentBytes();
            }
        };

        JobReport r = run(plan, in.toString(), out, 1);

        assertEquals(n, r.count(ItemState.DONE), r.summary());
        assertEquals(1, ScopedTestProvider.CREATED.get(ScopedTestProvider.Counting.ID).get(),
                "one task, one lane: the pipeline is loaded once for " + n + " items");
        assertEquals(n, live.size());
        int first = live.get(0);
        assertTrue(live.stream().allMatch(v -> v == first), "NDArrays alive after each item stay " + first
                + ", got between " + live.stream().mapToInt(Integer::intValue).min().orElse(-1) + " and "
                + live.stream().mapToInt(Integer::intValue).max().orElse(-1));
        System.out.printf("%d items through one task: %.1f items/s; %d NDArrays alive after every item; "
                + "peak resident memory after item 100 %.1f MB, after item %d %.1f MB%n", n, n / r.seconds(), first,
                rss[0] / 1e6, n, rss[1] / 1e6);
    }

    /** On a non-local file system: inputs copied in, outputs uploaded and renamed with Hadoop's API; re-run skips. */
    @Test
    void restoresFromAndToANonLocalFileSystem() throws IOException {
        // Hadoop's view file system over the local disk: a scheme of its own (viewfs), so the job takes it for remote
        SparkSession spark = TestSpark.session();
        spark.sparkContext().hadoopConfiguration().set("fs.viewfs.mounttable.restoratest.linkFallback", "file:///");
        Path in = tmp.resolve("in");
        TestSpark.copy(TestSpark.ASSETS.resolve("images/text_x4.png"), in.resolve("a/text_x4.png"));
        TestSpark.copy(TestSpark.ASSETS.resolve("bad/truncated.png"), in.resolve("truncated.png"));
        Path out = tmp.resolve("out");
        String remote = "viewfs://restoratest";
        Path plan = TestSpark.plan(tmp, "classic-image");

        JobReport r = RestoraSparkJob.run(spark, new RestoraSparkJob.Options(remote + plan, List.of(remote + in),
                remote + out, tmp.resolve("report").toString(), null, 0));

        assertEquals(1, r.count(ItemState.DONE), r.items().toString());
        assertEquals(1, r.count(ItemState.FAILED), r.items().toString());
        ItemOutcome done = byName(r).get("text_x4.png");
        assertTrue(done.output().startsWith("viewfs:"), done.output());
        assertEquals(ModelStore.sha256(out.resolve("a/text_x4_classic-image.png")), done.sha256());
        String error = byName(r).get("truncated.png").error();
        assertTrue(error.startsWith(remote + in.resolve("truncated.png")), "names the input as listed: " + error);
        assertEquals(List.of("a/text_x4_classic-image.png"), outputs(out));
        assertFalse(hasTemporaries(out));

        JobReport again = RestoraSparkJob.run(spark, new RestoraSparkJob.Options(remote + plan, List.of(remote + in),
                remote + out, tmp.resolve("report").toString(), null, 0));
        assertEquals(1, again.count(ItemState.SKIPPED), again.items().toString());
    }

    /**
     * With task retries (local[2,2]: two attempts), an item failing transiently fails its task once and is restored
     * on the retry; an item failing on every attempt is recorded as failed on the last one, and the job finishes.
     */
    @Test
    void aTransientFailureIsRetriedAndAPersistentOneRecordedOnTheLastAttempt() throws Exception {
        Path in = tmp.resolve("in");
        writeImages(in, 6);
        writeImage(in.resolve("flaky.png"), ScopedTestProvider.FLAKY_WIDTH);
        writeImage(in.resolve("broken.png"), ScopedTestProvider.BROKEN_WIDTH);
        Path out = tmp.resolve("out");
        Path plan = TestSpark.plan(tmp, ScopedTestProvider.ID);

        JobReport r = RestoraSparkJob.run(TestSpark.session("local[2,2]"), new RestoraSparkJob.Options(
                plan.toString(), List.of(in.toString()), out.toString(), null, null, 2));

        assertTrue(r.summary().startsWith("8 items: 7 done, 0 skipped, 1 failed"), r.summary());
        ItemOutcome flaky = byName(r).get("flaky.png");
        assertEquals(ItemState.DONE, flaky.state());
        assertEquals(1, flaky.attempt(), "restored on the retry");
        ItemOutcome broken = byName(r).get("broken.png");
        assertEquals(ItemState.FAILED, broken.state());
        assertEquals(1, broken.attempt(), "recorded on the last attempt");
        assertTrue(broken.error().contains("broken.png"), broken.error());
        assertEquals(7, outputs(out).size());
    }

    private static void writeImage(Path file, int width) throws IOException {
        ImageIO.write(new BufferedImage(width, 8, BufferedImage.TYPE_INT_RGB), "png", file.toFile());
    }

    static void writeImages(Path dir, int n) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
            img.setRGB(i % 8, (i / 8) % 8, 0xff0000 | (i & 0xffff));
            ImageIO.write(img, "png", dir.resolve(String.format("scan-%05d.png", i)).toFile());
        }
    }
}
