package dev.restora.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.app.cli.fixtures.TestSpeechProvider;
import dev.restora.app.cli.fixtures.TestUpscaleProvider;
import dev.restora.audio.AudioClip;
import dev.restora.audio.AudioIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestoreCommandTest {
    @TempDir
    Path dir;

    private Path models() throws IOException {
        return Files.createDirectories(dir.resolve("models"));
    }

    private List<String> listing(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void restoresAnImageAndKeepsItsFormatAndAlpha() throws Exception {
        Path in = TestMedia.image(dir.resolve("photo.png"), 12, 8, true, "png");
        Path out = dir.resolve("out");
        CliRun r = CliRun.run(models(), "restore", in.toString(), "--pipeline", TestUpscaleProvider.ID,
                "--out", out.toString(), "--seed", "7", "--steps", "4");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        Path result = out.resolve("photo_test-upscale.png");
        assertTrue(Files.isRegularFile(result), r::toString);
        assertTrue(r.out().contains("seed 7"), r::toString);
        assertEquals(List.of("photo_test-upscale.png"), listing(out));
        // plain progress lines (not a terminal): at least the final 100 % line with the step count
        assertTrue(r.err().contains("100%  step 4/4"), r::toString);

        BufferedImage src = ImageIO.read(in.toFile());
        BufferedImage dst = ImageIO.read(result.toFile());
        assertEquals(24, dst.getWidth());
        assertEquals(16, dst.getHeight());
        assertTrue(dst.getColorModel().hasAlpha(), "alpha kept");
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 24; x++) {
                int s = src.getRGB(x / 2, y / 2);
                int d = dst.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    assertTrue(Math.abs(((s >> shift) & 0xff) - ((d >> shift) & 0xff)) <= 1,
                            "pixel " + x + "," + y + " is the box upscale");
                }
            }
        }
        // alpha was a left-to-right ramp: the resampled plane still rises monotonically along a row
        int prev = -1;
        for (int x = 0; x < 24; x++) {
            int a = dst.getRGB(x, 5) >>> 24;
            assertTrue(a >= prev, "alpha ramp kept at x=" + x);
            prev = a;
        }
        assertTrue((dst.getRGB(0, 0) >>> 24) < 20 && (dst.getRGB(23, 0) >>> 24) > 235);
    }

    @Test
    void jpegStaysJpegAndRandomSeedIsReported() throws Exception {
        Path in = TestMedia.image(dir.resolve("shot.jpg"), 10, 10, false, "jpeg");
        CliRun r = CliRun.run(models(), "restore", in.toString(), "--pipeline", TestUpscaleProvider.ID);
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        Path result = dir.resolve("shot_test-upscale.jpg");
        byte[] head = Files.readAllBytes(result);
        assertEquals(0xFF, head[0] & 0xff);
        assertEquals(0xD8, head[1] & 0xff);
        Matcher m = Pattern.compile("seed (-?\\d+)").matcher(r.out());
        assertTrue(m.find(), r::toString);
        // another run without --seed draws another seed, and reports it
        CliRun again = CliRun.run(models(), "restore", in.toString(), "--pipeline", TestUpscaleProvider.ID,
                "--out", dir.resolve("again").toString());
        assertEquals(ExitCodes.OK, again.code(), again::toString);
        Matcher m2 = Pattern.compile("seed (-?\\d+)").matcher(again.out());
        assertTrue(m2.find(), again::toString);
        assertNotEquals(m.group(1), m2.group(1), "two runs without --seed used the same seed");
    }

    @Test
    void restoresAWavWithTheSpeechPipeline() throws Exception {
        Path in = TestMedia.wav(dir.resolve("voice.wav"), 16000, 4000);
        CliRun r = CliRun.run(models(), "restore", in.toString(), "--pipeline", TestSpeechProvider.ID,
                "--param", "gain=0.25", "--out", dir.resolve("o").toString());
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        AudioClip src = AudioIO.read(in);
        AudioClip out = AudioIO.read(dir.resolve("o").resolve("voice_test-speech.wav"));
        assertEquals(16, out.sourceBits());
        assertEquals(16000, out.sampleRate());
        assertEquals(src.frames(), out.frames());
        for (int i = 0; i < src.frames(); i++) {
            assertEquals(src.channels()[0][i] * 0.25f, out.channels()[0][i], 1.5e-4);
        }
    }

    @Test
    void defaultPipelineFollowsTheInputKindAndMixedInputsAllRun() throws Exception {
        Path img = TestMedia.image(dir.resolve("a.png"), 6, 6, false, "png");
        Path wav = TestMedia.wav(dir.resolve("b.wav"), 8000, 800);
        Path out = dir.resolve("mixed");
        CliRun r = CliRun.run(models(), "restore", img.toString(), wav.toString(), "--out", out.toString(), "-q");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        List<String> files = listing(out);
        assertEquals(List.of("a_esrgan.png", "b_classic-speech.wav"), files);
        // esrgan is deterministic: its line names no seed, while the speech denoiser's names the one it used
        String esrganLine = r.out().lines().filter(l -> l.contains("a_esrgan.png")).findFirst().orElse("");
        assertTrue(esrganLine.contains("pipeline esrgan") && !esrganLine.contains("seed"), r::toString);
        String speechLine = r.out().lines().filter(l -> l.contains("b_classic-speech.wav")).findFirst().orElse("");
        assertTrue(speechLine.contains("pipeline classic-speech"), r::toString);
    }

    @Test
    void aBadFileIsNamedLeavesNoOutputAndTheOthersAreDone() throws Exception {
        Path good = TestMedia.image(dir.resolve("good.png"), 4, 4, false, "png");
        Path bad = dir.resolve("broken.png");
        byte[] png = Files.readAllBytes(good);
        Files.write(bad, java.util.Arrays.copyOf(png, 20)); // a PNG signature, then nothing
        Path out = dir.resolve("out");
        CliRun r = CliRun.run(models(), "restore", bad.toString(), good.toString(), "--pipeline",
                TestUpscaleProvider.ID, "--out", out.toString());
        assertEquals(ExitCodes.FAILED, r.code(), r::toString);
        assertTrue(r.err().contains("broken.png"), r::toString);
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertEquals(List.of("good_test-upscale.png"), listing(out));
    }

    @Test
    void wrongKindForThePipelineIsAClearError() throws Exception {
        Path wav = TestMedia.wav(dir.resolve("voice.wav"), 8000, 100);
        CliRun r = CliRun.run(models(), "restore", wav.toString(), "--pipeline", TestUpscaleProvider.ID);
        assertEquals(ExitCodes.FAILED, r.code(), r::toString);
        assertTrue(r.err().contains("voice.wav") && r.err().contains("test-upscale"), r::toString);
        assertFalse(Files.exists(dir.resolve("voice_test-upscale.png")));
    }

    @Test
    void missingFileUnknownPipelineAndBadParameters() throws Exception {
        Path img = TestMedia.image(dir.resolve("x.png"), 4, 4, false, "png");
        CliRun missing = CliRun.run(models(), "restore", dir.resolve("nope.png").toString(), "--pipeline",
                TestUpscaleProvider.ID);
        assertEquals(ExitCodes.FAILED, missing.code(), missing::toString);
        assertTrue(missing.err().contains("nope.png: no such file"), missing::toString);

        CliRun unknown = CliRun.run(models(), "restore", img.toString(), "--pipeline", "no-such-pipeline");
        assertEquals(ExitCodes.USAGE, unknown.code(), unknown::toString);
        assertTrue(unknown.err().contains("no-such-pipeline") && unknown.err().contains(TestUpscaleProvider.ID),
                unknown::toString);

        CliRun range = CliRun.run(models(), "restore", img.toString(), "--pipeline", TestUpscaleProvider.ID,
                "--param", "gain=9");
        assertEquals(ExitCodes.USAGE, range.code(), range::toString);
        assertTrue(range.err().contains("gain must be between 0.0 and 2.0"), range::toString);

        CliRun param = CliRun.run(models(), "restore", img.toString(), "--pipeline", TestUpscaleProvider.ID,
                "--param", "colour=red");
        assertEquals(ExitCodes.USAGE, param.code(), param::toString);
        assertTrue(param.err().contains("unknown parameter 'colour'"), param::toString);

        CliRun model = CliRun.run(models(), "restore", img.toString(), "--pipeline", TestUpscaleProvider.ID,
                "--model", "huge");
        assertEquals(ExitCodes.USAGE, model.code(), model::toString);
        assertTrue(model.err().contains("box2x"), model::toString);

        CliRun option = CliRun.run(models(), "restore", img.toString(), "--frobnicate");
        assertEquals(ExitCodes.USAGE, option.code(), option::toString);

        CliRun device = CliRun.run(models(), "restore", img.toString(), "--pipeline", TestUpscaleProvider.ID,
                "--device", "gpu:7");
        assertEquals(ExitCodes.USAGE, device.code(), device::toString);
        assertTrue(device.err().contains("gpu:7 is not available"), device::toString);
        assertEquals(List.of("models", "x.png"), listing(dir));
    }

    @Test
    void missingModelFileExits3NamingTheFileAndFolder_thenWorksOnceItIsThere() throws Exception {
        Path img = TestMedia.image(dir.resolve("x.png"), 4, 4, false, "png");
        Path models = models();
        CliRun r = CliRun.run(models, "restore", img.toString(), "--pipeline", TestUpscaleProvider.ID,
                "--model", "weighted", "--out", dir.resolve("out").toString());
        assertEquals(ExitCodes.MODEL_MISSING, r.code(), r::toString);
        assertTrue(r.err().contains(TestUpscaleProvider.WEIGHTS_FILE), r::toString);
        assertTrue(r.err().contains(models.resolve(TestUpscaleProvider.WEIGHTS_FILE).toString()), r::toString);
        assertTrue(r.err().contains("https://example.invalid/"), r::toString);
        assertFalse(Files.exists(dir.resolve("out").resolve("x_test-upscale.png")));

        Files.write(models.resolve(TestUpscaleProvider.WEIGHTS_FILE),
                ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.5f).array());
        CliRun ok = CliRun.run(models, "restore", img.toString(), "--pipeline", TestUpscaleProvider.ID,
                "--model", "weighted", "--out", dir.resolve("out").toString());
        assertEquals(ExitCodes.OK, ok.code(), ok::toString);
        BufferedImage src = ImageIO.read(img.toFile());
        BufferedImage dst = ImageIO.read(dir.resolve("out").resolve("x_test-upscale.png").toFile());
        int s = src.getRGB(1, 1) & 0xff;
        int d = dst.getRGB(2, 2) & 0xff;
        assertTrue(Math.abs(s * 0.5 - d) <= 1, s + " * 0.5 vs " + d);
    }

    @Test
    void aPipelineBugIsOneLineUnlessVerbose() throws Exception {
        Path img = TestMedia.image(dir.resolve("x.png"), 4, 4, false, "png");
        CliRun r = CliRun.run(models(), "restore", img.toString(), "--pipeline", TestUpscaleProvider.ID,
                "--param", "bug=true");
        assertEquals(ExitCodes.FAILED, r.code(), r::toString);
        assertTrue(r.err().contains("x.png") && r.err().contains("NullPointerException"), r::toString);
        assertFalse(r.err().contains("\tat "), r::toString);
        CliRun verbose = CliRun.run(models(), "restore", img.toString(), "--pipeline", TestUpscaleProvider.ID,
                "--param", "bug=true", "--verbose");
        assertEquals(ExitCodes.FAILED, verbose.code(), verbose::toString);
        assertTrue(verbose.err().contains("\tat dev.restora.app.cli.fixtures.TestUpscaleProvider"), verbose::toString);
        assertFalse(Files.exists(dir.resolve("x_test-upscale.png")));
    }

    @Test
    void cancelledRunExits4AndLeavesNothing() throws Exception {
        Path img = TestMedia.image(dir.resolve("x.png"), 8, 8, false, "png");
        Path out = dir.resolve("out");
        CliRun r = CliRun.run(models(), "restore", img.toString(), "--pipeline", TestUpscaleProvider.ID,
                "--param", "cancel_at=2", "--steps", "5", "--out", out.toString());
        assertEquals(ExitCodes.CANCELLED, r.code(), r::toString);
        assertTrue(r.err().contains("cancelled"), r::toString);
        assertTrue(!Files.exists(out) || listing(out).isEmpty());
    }

    @Test
    void sameNamesFromTwoFoldersDoNotOverwriteEachOther() throws Exception {
        Path a = TestMedia.image(Files.createDirectories(dir.resolve("a")).resolve("same.png"), 4, 4, false, "png");
        Path b = TestMedia.image(Files.createDirectories(dir.resolve("b")).resolve("same.png"), 6, 6, false, "png");
        Path out = dir.resolve("out");
        CliRun r = CliRun.run(models(), "restore", a.toString(), b.toString(), "--pipeline", TestUpscaleProvider.ID,
                "--out", out.toString());
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertEquals(List.of("same_test-upscale-2.png", "same_test-upscale.png"), listing(out));
        assertEquals(12, ImageIO.read(out.resolve("same_test-upscale-2.png").toFile()).getWidth());
    }

    @Test
    void anUnwritableOutputFolderIsNamed() throws Exception {
        Path img = TestMedia.image(dir.resolve("x.png"), 4, 4, false, "png");
        Path blocker = Files.writeString(dir.resolve("blocker"), "a file, not a folder");
        CliRun r = CliRun.run(models(), "restore", img.toString(), "--pipeline", TestUpscaleProvider.ID, "--out",
                blocker.resolve("sub").toString());
        assertEquals(ExitCodes.FAILED, r.code(), r::toString);
        assertTrue(r.err().contains(blocker.resolve("sub").toString()), r::toString);
        assertFalse(r.err().contains("\tat "), r::toString);
    }

    @Test
    void aFolderInputRestoresItsMediaFiles() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        TestMedia.image(in.resolve("one.png"), 4, 4, false, "png");
        TestMedia.image(in.resolve("two.png"), 4, 4, false, "png");
        Files.writeString(in.resolve("notes.txt"), "not media");
        CliRun r = CliRun.run(models(), "restore", in.toString(), "--pipeline", TestUpscaleProvider.ID, "--out",
                dir.resolve("out").toString());
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertEquals(List.of("one_test-upscale.png", "two_test-upscale.png"), listing(dir.resolve("out")));
    }
}
