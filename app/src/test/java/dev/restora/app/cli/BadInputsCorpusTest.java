package dev.restora.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.core.batch.BatchExpansion;
import dev.restora.core.batch.BatchRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input corpus of test-assets/bad through {@code restora restore} and {@code restora batch}: every file
 * gives a clear error naming it (no stack trace), no output file is left, and a batch goes on with the next item.
 */
class BadInputsCorpusTest {
    static final Path BAD = ClassicRestoreTest.ASSETS.resolve("bad");

    @TempDir
    Path dir;

    static List<Path> corpus(Predicate<Path> kind) throws IOException {
        try (Stream<Path> s = Files.list(BAD)) {
            return s.filter(kind).sorted().toList();
        }
    }

    static List<Path> files(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void restoreNamesEveryBadFileAndWritesNothing() throws IOException {
        List<Path> all = corpus(BatchExpansion.MEDIA);
        assertTrue(all.size() >= 20, "the corpus has images and recordings: " + all);
        for (Path bad : all) {
            Path out = dir.resolve("out-" + bad.getFileName());
            CliRun r = CliRun.run(dir, "restore", bad.toString(), "--out", out.toString());
            assertEquals(ExitCodes.FAILED, r.code(), r::toString);
            assertTrue(r.err().contains(bad.getFileName().toString()), () -> "names the file: " + r);
            assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), () -> "no stack trace: " + r);
            assertEquals(List.of(), files(out), "no output for " + bad.getFileName());
        }
    }

    @Test
    void batchGoesOnPastEveryBadFile() throws IOException {
        for (String pipeline : List.of("classic-image", "classic-speech")) {
            Predicate<Path> kind = pipeline.equals("classic-image") ? BatchExpansion.IMAGES : BatchExpansion.AUDIO;
            Path in = Files.createDirectories(dir.resolve("in-" + pipeline));
            List<Path> bad = corpus(kind);
            for (Path b : bad) {
                Files.copy(b, in.resolve(b.getFileName()));
            }
            Path good = pipeline.equals("classic-image")
                    ? ClassicRestoreTest.ASSETS.resolve("images/landscape_x4.png")
                    : ClassicRestoreTest.ASSETS.resolve("audio/speech_noisy_pink_16k_mono.wav");
            Files.copy(good, in.resolve("zz-good-" + good.getFileName()));
            Path out = dir.resolve("out-" + pipeline);

            CliRun r = CliRun.run(dir, "batch", in.toString(), "--out", out.toString(), "--pipeline", pipeline);
            assertEquals(ExitCodes.FAILED, r.code(), r::toString);
            assertFalse(r.err().contains("\tat "), () -> "no stack trace: " + r);

            String csv = Files.readString(out.resolve(BatchRunner.DEFAULT_REPORT_NAME.replace(".json", ".csv")));
            for (Path b : bad) {
                String name = b.getFileName().toString();
                String line = csv.lines().filter(l -> l.contains(name)).findFirst().orElse("");
                assertTrue(line.contains("FAILED") && line.split(name, -1).length > 2,
                        () -> "the report gives " + name + " as failed with an error naming it: " + line);
            }
            // the good file (last) was still processed; nothing else but the reports and the journal is there
            List<String> outputs = files(out).stream().map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith("restora-batch-report") && !n.startsWith(".restora-batch")).toList();
            assertEquals(1, outputs.size(), () -> pipeline + " outputs: " + outputs);
            assertTrue(outputs.get(0).startsWith("zz-good-"), outputs::toString);
        }
    }
}
