package dev.restora.core.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real batch process mid-run and checks that no partial output exists and that running the same batch again
 * finishes the rest, with every output exactly once and a complete report.
 */
class BatchKillResumeTest {
    private static final int COUNT = 20;

    @TempDir
    Path tmp;

    private Process startChild(Path planFile, Path log) throws IOException {
        String cp = System.getProperty("java.class.path");
        String surefire = System.getProperty("surefire.test.class.path");
        if (surefire != null && !surefire.isBlank()) {
            cp = surefire;
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", cp,
                BatchKillChild.class.getName(), planFile.toString(), "60");
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static long doneLines(Path journal) throws IOException {
        if (!Files.isRegularFile(journal)) {
            return 0;
        }
        return Files.readAllLines(journal, StandardCharsets.UTF_8).stream().filter(l -> l.contains("\"event\":\"done\""))
                .count();
    }

    private static boolean hasTemp(Path out) throws IOException {
        try (Stream<Path> s = Files.walk(out)) {
            return s.anyMatch(p -> p.getFileName().toString().contains(BatchRunner.TEMP_MARK));
        } catch (java.io.UncheckedIOException e) {
            return false; // a file vanished while listing
        }
    }

    private static void assertDecodes(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, png + " must decode");
        assertEquals(48, img.getWidth(), png.toString());
        assertEquals(32, img.getHeight(), png.toString());
    }

    @Test
    void killedBatchLeavesNoPartialOutputAndResumes() throws Exception {
        Path in = tmp.resolve("in");
        for (int i = 0; i < COUNT; i++) {
            TestImages.png(in.resolve(i < COUNT / 2 ? "a" : "b/c").resolve(String.format("img%02d.png", i)), 24, 16, i);
        }
        Path out = tmp.resolve("out");
        BatchPlan plan = new BatchPlan().inputs(List.of("in")).output("out").naming("{name}_{pipeline}_x{scale}.{ext}");
        Path planFile = tmp.resolve("plan.json");
        plan.write(planFile);

        Process child = startChild(planFile, tmp.resolve("run1.log"));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (doneLines(out.resolve(BatchJournal.FILE_NAME)) < 5 && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(child.isAlive(), "the batch must still be running when killed: "
                    + Files.readString(tmp.resolve("run1.log")));
            // kill while an item is being written (its temporary file exists)
            while (!hasTemp(out) && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        } finally {
            child.destroyForcibly();
        }

        List<Path> finals = new ArrayList<>();
        boolean sawTemp = false;
        for (Path f : files(out)) {
            String n = f.getFileName().toString();
            if (n.contains(BatchRunner.TEMP_MARK)) {
                sawTemp = true;
            } else if (n.endsWith(".png")) {
                finals.add(f);
            }
        }
        assertTrue(finals.size() >= 5 && finals.size() < COUNT, "killed mid-batch: " + finals.size() + " outputs");
        for (Path f : finals) {
            assertDecodes(f);
        }
        assertTrue(sawTemp, "the kill landed inside an item's write (its temporary file is left)");
        System.out.println("killed after " + finals.size() + " outputs, mid-write");

        Process again = startChild(planFile, tmp.resolve("run2.log"));
        try {
            assertTrue(again.waitFor(180, TimeUnit.SECONDS), "the re-run finishes");
            assertEquals(0, again.exitValue(), Files.readString(tmp.resolve("run2.log")));
        } finally {
            again.destroyForcibly();
        }

        List<Path> all = files(out).stream().filter(p -> p.getFileName().toString().endsWith(".png")).toList();
        assertEquals(COUNT, all.size(), "each output exactly once: " + all);
        for (int i = 0; i < COUNT; i++) {
            Path expected = out.resolve(i < COUNT / 2 ? "a" : "b/c").resolve(String.format("img%02d_slow_x2.png", i));
            assertTrue(Files.isRegularFile(expected), expected + " mirrors the input tree");
            assertDecodes(expected);
        }
        assertTrue(files(out).stream().noneMatch(p -> p.toString().contains(BatchRunner.TEMP_MARK)),
                "no temporary file left");

        JsonObject report = JsonParser.parseString(Files.readString(out.resolve(BatchRunner.DEFAULT_REPORT_NAME)))
                .getAsJsonObject();
        assertTrue(report.get("complete").getAsBoolean());
        JsonArray items = report.getAsJsonArray("items");
        assertEquals(COUNT, items.size());
        int earlier = 0;
        for (int i = 0; i < COUNT; i++) {
            JsonObject it = items.get(i).getAsJsonObject();
            assertEquals("DONE", it.get("state").getAsString(), it.toString());
            earlier += it.get("earlierRun").getAsBoolean() ? 1 : 0;
        }
        assertEquals(finals.size(), earlier, "items finished before the kill are not redone");
        List<String> csv = Files.readAllLines(out.resolve("restora-batch-report.csv"));
        assertEquals(COUNT + 1, csv.size());
        assertTrue(csv.stream().skip(1).allMatch(l -> l.contains(",DONE,")), String.join("\n", csv));
        assertTrue(Files.readString(tmp.resolve("run2.log")).contains(COUNT + " items: " + COUNT + " done"));
        assertTrue(new File(planFile.toString()).isFile());
    }
}
