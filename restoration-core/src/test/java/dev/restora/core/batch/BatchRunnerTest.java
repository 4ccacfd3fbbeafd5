package dev.restora.core.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.image.ImageCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchRunnerTest {
    @TempDir
    Path tmp;
    private Path in;
    private Path out;

    /** A real processor: decodes the image, inverts it, encodes it (through the core codec). */
    private static final BatchItemProcessor INVERT = (item, output, token) -> {
        ImageBuffer img = ImageCodec.read(item.input());
        float[] rgb = img.rgb().clone();
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = 1f - rgb[i];
        }
        ImageCodec.write(img.withPixels(img.width(), img.height(), rgb, img.alpha()), output);
    };

    @BeforeEach
    void inputs() throws IOException {
        in = tmp.resolve("in");
        out = tmp.resolve("out");
        for (int i = 0; i < 4; i++) {
            TestImages.png(in.resolve("p" + i + ".png"), 8, 6, i);
        }
        Files.writeString(in.resolve("p2.png"), "this is not a png"); // a broken input in the middle
    }

    private BatchPlan plan() {
        return new BatchPlan().inputs(List.of(in.toString())).output(out.toString()).naming("{name}_inv.{ext}");
    }

    private BatchReport run(BatchPlan plan, BatchItemProcessor p) {
        List<BatchItem> items = BatchExpansion.expand(plan, new BatchNaming("inv", "m", 1), BatchExpansion.IMAGES);
        return new BatchRunner(plan, items, p).run();
    }

    private List<Path> outputs() throws IOException {
        try (Stream<Path> s = Files.walk(out)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".png")).sorted().toList();
        }
    }

    @Test
    void continuesAfterAFailureAndReportsEachItem() throws IOException {
        List<String> events = new ArrayList<>();
        BatchPlan plan = plan();
        List<BatchItem> items = BatchExpansion.expand(plan, new BatchNaming("inv", "m", 1), BatchExpansion.IMAGES);
        BatchReport r = new BatchRunner(plan, items, INVERT).listener(new BatchListener() {
            @Override
            public void itemFinished(ItemResult result, int total) {
                events.add(result.item().index() + ":" + result.state());
            }
        }).run();
        assertEquals(List.of("0:DONE", "1:DONE", "2:FAILED", "3:DONE"), events);
        assertTrue(r.complete());
        ItemResult failed = r.results().get(2);
        assertTrue(failed.error().contains("p2.png"), failed.error());
        assertFalse(Files.exists(out.resolve("p2_inv.png")), "no output for a failed item");
        assertEquals(3, outputs().size());
        for (Path p : outputs()) {
            assertNotNull(ImageIO.read(p.toFile()));
        }

        JsonObject json = JsonParser.parseString(Files.readString(out.resolve(BatchRunner.DEFAULT_REPORT_NAME)))
                .getAsJsonObject();
        assertEquals(3, json.getAsJsonObject("counts").get("done").getAsInt());
        assertEquals(1, json.getAsJsonObject("counts").get("failed").getAsInt());
        assertEquals("FAILED", json.getAsJsonArray("items").get(2).getAsJsonObject().get("state").getAsString());
        List<String> csv = Files.readAllLines(out.resolve("restora-batch-report.csv"));
        assertEquals("index,input,output,state,seconds,error", csv.get(0));
        assertEquals(5, csv.size());
        assertTrue(csv.get(3).contains(",FAILED,") && csv.get(3).contains("p2.png"), csv.get(3));

        // a second run redoes only the failed item (still failing) and reports the rest as done earlier
        BatchReport again = run(plan, INVERT);
        assertEquals(3, again.results().stream().filter(ItemResult::earlierRun).count());
        assertEquals(ItemState.FAILED, again.results().get(2).state());
    }

    @Test
    void stopOnErrorLeavesTheRestNotRun() {
        BatchReport r = run(plan().continueOnError(false), INVERT);
        assertEquals(List.of(ItemState.DONE, ItemState.DONE, ItemState.FAILED, ItemState.NOT_RUN),
                r.results().stream().map(ItemResult::state).toList());
        assertTrue(r.hasFailures());
    }

    @Test
    void overwritePolicies() throws IOException {
        Files.createDirectories(out);
        byte[] mine = "user's own file".getBytes();
        Files.write(out.resolve("p0_inv.png"), mine);
        // skip (default)
        BatchReport skip = run(plan(), INVERT);
        assertEquals(ItemState.SKIPPED, skip.results().get(0).state());
        assertEquals(new String(mine), Files.readString(out.resolve("p0_inv.png")));
        // --skip-existing wins over overwrite
        assertEquals(ItemState.SKIPPED, run(plan().overwrite(OverwritePolicy.OVERWRITE).skipExisting(true)
                .naming("{name}_inv.{ext}"), INVERT).results().get(0).state());
        // rename keeps the user's file
        BatchPlan rename = plan().naming("{name}_r.{ext}").overwrite(OverwritePolicy.RENAME);
        Files.write(out.resolve("p1_r.png"), mine);
        BatchReport rr = run(rename, INVERT);
        assertEquals(out.resolve("p1_r_2.png"), rr.results().get(1).output());
        assertEquals(new String(mine), Files.readString(out.resolve("p1_r.png")));
        assertNotNull(ImageIO.read(out.resolve("p1_r_2.png").toFile()));
        // re-running the same renaming batch does not make a third copy
        BatchReport rr2 = run(rename, INVERT);
        assertEquals(out.resolve("p1_r_2.png"), rr2.results().get(1).output());
        assertFalse(Files.exists(out.resolve("p1_r_3.png")));
        // overwrite replaces
        BatchPlan over = plan().naming("{name}_o.{ext}").overwrite(OverwritePolicy.OVERWRITE);
        Files.write(out.resolve("p3_o.png"), mine);
        assertEquals(ItemState.DONE, run(over, INVERT).results().get(3).state());
        assertNotNull(ImageIO.read(out.resolve("p3_o.png").toFile()));
    }

    @Test
    void cancellationStopsAndAProcessorWritingNothingFails() throws IOException {
        CancellationToken token = new CancellationToken();
        BatchPlan plan = plan();
        List<BatchItem> items = BatchExpansion.expand(plan, new BatchNaming("inv", "m", 1), BatchExpansion.IMAGES);
        BatchReport r = new BatchRunner(plan, items, (item, output, t) -> {
            if (item.index() == 1) {
                Files.writeString(output, "half");
                token.cancel();
                t.throwIfCancelled();
            }
            INVERT.process(item, output, t);
        }).token(token).run();
        assertEquals(List.of(ItemState.DONE, ItemState.CANCELLED, ItemState.CANCELLED, ItemState.CANCELLED),
                r.results().stream().map(ItemResult::state).toList());
        assertFalse(r.complete());
        assertEquals(1, outputs().size(), "the cancelled item left nothing");

        BatchReport none = run(plan().naming("{name}_n.{ext}"), (item, output, t) -> { });
        assertEquals(ItemState.FAILED, none.results().get(0).state());
        assertTrue(none.results().get(0).error().contains("wrote no output"));
        BatchReport boom = run(plan().naming("{name}_b.{ext}"), (item, output, t) -> {
            throw new RestoraException(item.input() + ": model file x.pth is missing");
        });
        assertEquals(item0(), boom.results().get(0).error());
    }

    @Test
    void twoBatchesCannotWriteIntoOneFolderAtOnce() {
        BatchPlan plan = plan();
        List<BatchItem> items = BatchExpansion.expand(plan, new BatchNaming("inv", "m", 1), BatchExpansion.IMAGES);
        List<String> inner = new ArrayList<>();
        BatchReport r = new BatchRunner(plan, items, (item, output, t) -> {
            if (item.index() == 0) {
                try {
                    new BatchRunner(plan, items, INVERT).run();
                } catch (RestoraException e) {
                    inner.add(e.getMessage());
                }
            }
            INVERT.process(item, output, t);
        }).run();
        assertEquals(1, inner.size());
        assertTrue(inner.get(0).contains("another batch is writing into this folder"), inner.get(0));
        assertEquals(3, r.count(ItemState.DONE));
    }

    private String item0() {
        return in.resolve("p0.png") + ": model file x.pth is missing";
    }

    @Test
    void theReportGrowsByOneRowPerItemAndTheJsonIsWrittenOnceAtTheEnd() throws IOException {
        BatchPlan plan = plan();
        List<BatchItem> items = BatchExpansion.expand(plan, new BatchNaming("inv", "m", 1), BatchExpansion.IMAGES);
        Path json = out.resolve(BatchRunner.DEFAULT_REPORT_NAME);
        Path csv = out.resolve("restora-batch-report.csv");
        Path jsonl = out.resolve("restora-batch-report.jsonl");
        List<String> seen = new ArrayList<>();
        BatchRunner runner = new BatchRunner(plan, items, INVERT).listener(new BatchListener() {
            @Override
            public void itemFinished(ItemResult result, int total) {
                try {
                    // appended, not rewritten: one more CSV row and JSON line, no JSON report yet
                    int n = result.item().index() + 1;
                    seen.add(Files.readAllLines(csv).size() + "/" + Files.readAllLines(jsonl).size() + "/"
                            + Files.exists(json));
                    assertEquals((n + 1) + "/" + n + "/false", seen.get(seen.size() - 1));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        BatchReport r = runner.run();
        assertEquals(4, seen.size());
        assertEquals(r.toCsv(), Files.readString(csv));
        assertEquals(4, JsonParser.parseString(Files.readString(json)).getAsJsonObject().getAsJsonArray("items")
                .size());
        assertFalse(Files.exists(jsonl), "the JSON lines are folded into the final report");
    }

    @Test
    void notResumableKeepsAtomicOutputsButWritesNoJournalOrReport() throws IOException {
        BatchPlan plan = plan();
        List<BatchItem> items = BatchExpansion.expand(plan, new BatchNaming("inv", "m", 1), BatchExpansion.IMAGES);
        BatchReport r = new BatchRunner(plan, items, INVERT).resumable(false).run();
        assertEquals(3, r.count(ItemState.DONE));
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(List.of("p0_inv.png", "p1_inv.png", "p3_inv.png"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
