package dev.restora.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.restora.app.cli.fixtures.TestUpscaleProvider;
import dev.restora.core.batch.BatchPlan;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code restora batch ...} in-process with the test pipelines and real files. */
class BatchCommandTest {
    @TempDir
    Path dir;

    private Path models() throws IOException {
        return Files.createDirectories(dir.resolve("models"));
    }

    private Path inputs() throws IOException {
        Path in = dir.resolve("in");
        Files.createDirectories(in.resolve("sub"));
        TestMedia.image(in.resolve("a.png"), 6, 4, false, "png");
        TestMedia.image(in.resolve("b.jpg"), 5, 5, false, "jpeg");
        TestMedia.image(in.resolve("sub/c.png"), 4, 4, true, "png");
        return in;
    }

    private List<String> tree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/')).sorted()
                    .toList();
        }
    }

    private JsonObject report(Path file) throws IOException {
        return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    }

    @Test
    void restoresAFolderTreeWithTheNamingTemplateAndReports() throws Exception {
        Path in = inputs();
        Path out = dir.resolve("out");
        CliRun r = CliRun.run(models(), "batch", in.toString(), "--out", out.toString(), "--pipeline",
                TestUpscaleProvider.ID, "--name", "{name}_{model}_x{scale}.{ext}", "--steps", "2", "-q");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertEquals(List.of("a_box2x_x2.png", "b_box2x_x2.jpg", "restora-batch-report.csv",
                "restora-batch-report.json", "sub/c_box2x_x2.png"),
                tree(out).stream().filter(n -> !n.startsWith(".")).toList());
        BufferedImage c = ImageIO.read(out.resolve("sub/c_box2x_x2.png").toFile());
        assertEquals(8, c.getWidth());
        assertTrue(c.getColorModel().hasAlpha(), "alpha carried through");
        assertTrue(r.out().contains("3 items: 3 done, 0 skipped, 0 failed"), r::toString);
        JsonObject rep = report(out.resolve("restora-batch-report.json"));
        assertEquals(3, rep.getAsJsonObject("counts").get("done").getAsInt());
        assertTrue(rep.get("complete").getAsBoolean());

        // the same command again: nothing redone, nothing duplicated
        CliRun again = CliRun.run(models(), "batch", in.toString(), "--out", out.toString(), "--pipeline",
                TestUpscaleProvider.ID, "--name", "{name}_{model}_x{scale}.{ext}", "--steps", "2", "-q");
        assertEquals(ExitCodes.OK, again.code(), again::toString);
        assertTrue(again.out().contains("(done in an earlier run)"), again::toString);
        assertEquals(5, tree(out).stream().filter(n -> !n.startsWith(".")).count());
    }

    @Test
    void aBrokenFileFailsAloneAndStopOnErrorStops() throws Exception {
        Path in = inputs();
        Files.writeString(in.resolve("a.png"), "not an image");
        Path out = dir.resolve("out");
        Path reportFile = dir.resolve("reports/run.json");
        CliRun r = CliRun.run(models(), "batch", in.toString(), "--out", out.toString(), "--pipeline",
                TestUpscaleProvider.ID, "--report", reportFile.toString(), "-q");
        assertEquals(ExitCodes.FAILED, r.code(), r::toString);
        assertTrue(r.err().contains("a.png"), r::toString);
        assertFalse(Files.exists(out.resolve("a_test-upscale.png")));
        assertTrue(Files.isRegularFile(out.resolve("b_test-upscale.jpg")));
        JsonArray items = report(reportFile).getAsJsonArray("items");
        assertEquals("FAILED", items.get(0).getAsJsonObject().get("state").getAsString());
        assertTrue(items.get(0).getAsJsonObject().get("error").getAsString().contains("a.png"));
        List<String> csv = Files.readAllLines(dir.resolve("reports/run.csv"));
        assertEquals(4, csv.size());

        Path out2 = dir.resolve("out2");
        CliRun stop = CliRun.run(models(), "batch", in.toString(), "--out", out2.toString(), "--pipeline",
                TestUpscaleProvider.ID, "--stop-on-error", "-q");
        assertEquals(ExitCodes.FAILED, stop.code(), stop::toString);
        assertTrue(stop.err().contains("not run (stopped at an earlier error)"), stop::toString);
        assertFalse(Files.exists(out2.resolve("b_test-upscale.jpg")));
    }

    @Test
    void planFileAndOverwritePolicies() throws Exception {
        Path in = inputs();
        Path out = dir.resolve("out");
        Path planFile = dir.resolve("plan.json");
        CliRun save = CliRun.run(models(), "batch", in.toString(), "--out", out.toString(), "--pipeline",
                TestUpscaleProvider.ID, "--no-recursive", "--name", "{name}.{ext}", "--format", "png",
                "--param", "gain=0.5", "--save-plan", planFile.toString(), "-q");
        assertEquals(ExitCodes.OK, save.code(), save::toString);
        assertEquals(List.of("a.png", "b.png"), tree(out).stream().filter(n -> n.endsWith(".png")).toList());
        BatchPlan plan = BatchPlan.read(planFile);
        assertEquals(TestUpscaleProvider.ID, plan.pipeline());
        assertFalse(plan.recursive());
        assertEquals("0.5", String.valueOf(plan.parameters().get("gain")));

        // the studio's plan file alone reproduces the run; a user file in the way is kept with --overwrite rename
        Path out2 = dir.resolve("out2");
        Files.createDirectories(out2);
        Files.writeString(out2.resolve("a.png"), "mine");
        CliRun fromPlan = CliRun.run(models(), "batch", "--plan", planFile.toString(), "--out", out2.toString(),
                "--overwrite", "rename", "-q");
        assertEquals(ExitCodes.OK, fromPlan.code(), fromPlan::toString);
        assertEquals("mine", Files.readString(out2.resolve("a.png")));
        assertNotNull(ImageIO.read(out2.resolve("a_2.png").toFile()));
        BufferedImage src = ImageIO.read(in.resolve("a.png").toFile());
        BufferedImage dst = ImageIO.read(out2.resolve("a_2.png").toFile());
        assertTrue(Math.abs((src.getRGB(1, 1) & 0xff) * 0.5 - (dst.getRGB(2, 2) & 0xff)) <= 1, "gain 0.5 applied");

        // --skip-existing leaves an existing output alone
        Path out3 = dir.resolve("out3");
        Files.createDirectories(out3);
        Files.writeString(out3.resolve("b.png"), "mine");
        CliRun skip = CliRun.run(models(), "batch", "--plan", planFile.toString(), "--out", out3.toString(),
                "--overwrite", "overwrite", "--skip-existing", "-q");
        assertEquals(ExitCodes.OK, skip.code(), skip::toString);
        assertTrue(skip.out().contains("skipped"), skip::toString);
        assertEquals("mine", Files.readString(out3.resolve("b.png")));
    }

    @Test
    void usageErrorsAndMissingModel() throws Exception {
        Path in = inputs();
        CliRun noOut = CliRun.run(models(), "batch", in.toString());
        assertEquals(ExitCodes.USAGE, noOut.code(), noOut::toString);
        assertTrue(noOut.err().contains("--out"), noOut::toString);
        CliRun token = CliRun.run(models(), "batch", in.toString(), "--out", dir.resolve("o").toString(),
                "--pipeline", TestUpscaleProvider.ID, "--name", "{name}_{size}.{ext}");
        assertEquals(ExitCodes.USAGE, token.code(), token::toString);
        assertTrue(token.err().contains("{size}"), token::toString);
        CliRun missing = CliRun.run(models(), "batch", in.toString(), "--out", dir.resolve("o").toString(),
                "--pipeline", TestUpscaleProvider.ID, "--model", "weighted");
        assertEquals(ExitCodes.MODEL_MISSING, missing.code(), missing::toString);
        assertTrue(missing.err().contains(TestUpscaleProvider.WEIGHTS_FILE)
                && missing.err().contains(models().resolve(TestUpscaleProvider.WEIGHTS_FILE).toString()), missing::toString);
        assertFalse(Files.exists(dir.resolve("o").resolve("a_test-upscale.png")));
    }

    @Test
    void aMixedFolderRoutesEachKindToItsDefaultAndTheSavedPlanRepeatsIt() throws Exception {
        Path in = inputs();
        TestMedia.wav(in.resolve("sub/talk.wav"), 16000, 1600);
        Path out = dir.resolve("o");
        Path planFile = dir.resolve("mixed.json");
        CliRun mixed = CliRun.run(models(), "batch", in.toString(), "--out", out.toString(), "--save-plan",
                planFile.toString(), "-q");
        assertEquals(ExitCodes.OK, mixed.code(), mixed::toString);
        assertEquals(List.of("a_esrgan.png", "b_esrgan.jpg", "sub/c_esrgan.png",
                "sub/talk_classic-speech.wav"), tree(out).stream().filter(n -> !n.startsWith(".")
                && !n.startsWith("restora-batch-report")).toList());
        BatchPlan saved = BatchPlan.read(planFile);
        assertEquals(null, saved.pipeline());
        assertEquals("esrgan", saved.routes().get(dev.restora.core.pipeline.Modality.IMAGE).pipeline());
        assertEquals("classic-speech", saved.routes().get(dev.restora.core.pipeline.Modality.SPEECH).pipeline());
        // the report says where each kind went
        JsonObject routes = report(out.resolve("restora-batch-report.json")).getAsJsonObject("routes");
        assertEquals("esrgan", routes.getAsJsonObject("image").get("pipeline").getAsString());
        assertEquals("classic-speech", routes.getAsJsonObject("speech").get("pipeline").getAsString());
    }

    @Test
    void ordinaryBadFilesAreOneLineEachAndTracesOnlyWithVerbose() throws Exception {
        Path in = Files.createDirectories(dir.resolve("bad"));
        TestMedia.image(in.resolve("good.png"), 4, 4, false, "png");
        Files.writeString(in.resolve("notes.png"), "this is a text file, not a picture");
        Path wav = TestMedia.wav(dir.resolve("long.wav"), 16000, 1600);
        Files.write(in.resolve("cut.wav"), java.util.Arrays.copyOf(Files.readAllBytes(wav), 60));
        java.io.ByteArrayOutputStream stderr = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.err;
        CliRun r;
        CliRun verbose;
        System.setErr(new java.io.PrintStream(stderr, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            r = CliRun.run(models(), "batch", in.toString(), "--out", dir.resolve("o").toString(), "-q");
            verbose = CliRun.run(models(), "batch", in.toString(), "--out", dir.resolve("o2").toString(), "-q",
                    "--verbose");
        } finally {
            System.setErr(saved);
        }
        assertEquals(ExitCodes.FAILED, r.code(), r::toString);
        List<String> errors = r.err().lines().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(2, errors.size(), r::toString);
        assertTrue(errors.stream().anyMatch(l -> l.contains("cut.wav")), r::toString);
        assertTrue(errors.stream().anyMatch(l -> l.contains("notes.png")), r::toString);
        assertEquals(2, r.err().lines().count(), "nothing but the two error lines: " + r.err());
        String log = stderr.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertFalse(log.contains("\tat ") || log.contains("WARN"), "no logged warning or trace: " + log);
        assertTrue(verbose.err().contains("\tat "), "--verbose shows the traces: " + verbose);
    }

    @Test
    void flacStaysFlacWithItsBitDepthAndChannels() throws Exception {
        Path in = Files.createDirectories(dir.resolve("flac"));
        float[][] ch = new float[2][800];
        for (int i = 0; i < 800; i++) {
            ch[0][i] = (float) (0.4 * Math.sin(i * 0.05));
            ch[1][i] = (float) (0.3 * Math.cos(i * 0.07));
        }
        dev.restora.audio.AudioIO.write(new dev.restora.audio.AudioClip(ch, 16000, 24), in.resolve("duet.flac"),
                dev.restora.audio.AudioFileSpec.flac(dev.restora.audio.SampleEncoding.PCM_24));
        Path out = dir.resolve("o");
        CliRun r = CliRun.run(models(), "batch", in.toString(), "--out", out.toString(), "-q");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        Path result = out.resolve("duet_classic-speech.flac");
        assertTrue(Files.isRegularFile(result), r::toString);
        assertEquals("fLaC", new String(Files.readAllBytes(result), 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        dev.restora.audio.AudioClip clip = dev.restora.audio.AudioIO.read(result);
        assertEquals(24, clip.sourceBits());
        assertEquals(2, clip.channelCount());
        assertEquals(800, clip.frames());
    }
}
