package dev.restora.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.app.cli.fixtures.FixtureDiffusion;
import dev.restora.audio.AudioClip;
import dev.restora.audio.AudioIO;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.image.ImageCodec;
import dev.restora.core.parity.ParityFixtures;
import dev.restora.core.pipeline.Media;
import dev.restora.core.restore.MediaFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ResShift and SGMSE+ end to end through {@code restora restore}, on the parity fixtures' small checkpoints installed
 * in a models folder: the output file has the expected shape, every step was reported, and its content is exactly
 * what the plugin's own provider gives for the same seed (written through the same encoder). Skipped with a message
 * where the fixtures are absent; a failure under {@code -Drestora.parity.required=true}.
 */
class DiffusionEndToEndTest {
    static final long SEED = 20_251_207L;
    /** Few steps keep the speech run short; the fixture's own N is for the parity test. */
    static final int SPEECH_STEPS = 4;

    @TempDir
    Path dir;

    @Test
    void resshiftFromTheCommandLine() throws Exception {
        ParityFixtures.family("resshift");
        FixtureDiffusion.ResShiftFixture f = FixtureDiffusion.resshift();
        assertNotNull(f, "the resshift fixtures hold no untiled super-resolution case");
        Path models = FixtureDiffusion.installResShift(dir.resolve("models"), f);
        Path in = Files.copy(f.input(), dir.resolve("lq.png"));
        CliRun r = CliRun.run(models, "restore", in.toString(), "--pipeline", FixtureDiffusion.RESSHIFT,
                "--seed", Long.toString(SEED), "--out", dir.resolve("out").toString());
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        int steps = f.setup().variant().steps();
        assertTrue(r.err().contains("step " + steps + "/" + steps), () -> "every step reported\n" + r);
        assertTrue(r.out().contains("seed " + SEED), r::toString);

        Path out = dir.resolve("out").resolve("lq_" + FixtureDiffusion.RESSHIFT + ".png");
        ImageBuffer lq = ImageCodec.read(in);
        ImageBuffer sr = ImageCodec.read(out);
        int scale = f.setup().variant().scale();
        assertEquals(scale * lq.width(), sr.width(), "output width");
        assertEquals(scale * lq.height(), sr.height(), "output height");

        MediaFiles.Loaded input = MediaFiles.read(in);
        Media reference = FixtureDiffusion.resshiftReference(f, input.media(), SEED);
        Path refFile = dir.resolve("reference.png");
        MediaFiles.write(reference, input.format(), refFile);
        assertArrayEquals(ImageCodec.read(refFile).rgb(), sr.rgb(), "the CLI's output is the plugin's for seed " + SEED);
    }

    @Test
    void sgmseFromTheCommandLine() throws Exception {
        ParityFixtures.family("sgmse");
        FixtureDiffusion.SgmseFixture f = FixtureDiffusion.sgmse();
        assertNotNull(f, "the sgmse fixtures hold no pipeline case with a noisy recording");
        Path models = FixtureDiffusion.installSgmse(dir.resolve("models"), f);
        Path in = Files.copy(f.input(), dir.resolve("noisy.wav"));
        CliRun r = CliRun.run(models, "restore", in.toString(), "--pipeline", FixtureDiffusion.SGMSE,
                "--seed", Long.toString(SEED), "--steps", Integer.toString(SPEECH_STEPS),
                "--out", dir.resolve("out").toString());
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertTrue(r.err().contains("step " + SPEECH_STEPS + "/" + SPEECH_STEPS), () -> "every step reported\n" + r);

        Path out = dir.resolve("out").resolve("noisy_" + FixtureDiffusion.SGMSE + ".wav");
        AudioClip noisy = AudioIO.read(in);
        AudioClip enhanced = AudioIO.read(out);
        assertEquals(noisy.sampleRate(), enhanced.sampleRate(), "sample rate");
        assertEquals(noisy.channelCount(), enhanced.channelCount(), "channels");
        assertEquals(noisy.frames(), enhanced.frames(), "length");

        MediaFiles.Loaded input = MediaFiles.read(in);
        Media reference = FixtureDiffusion.sgmseReference(f, input.media(), SEED, Map.of("steps", SPEECH_STEPS));
        Path refFile = dir.resolve("reference.wav");
        MediaFiles.write(reference, input.format(), refFile);
        AudioClip ref = AudioIO.read(refFile);
        for (int c = 0; c < ref.channelCount(); c++) {
            assertArrayEquals(ref.channels()[c], enhanced.channels()[c],
                    "channel " + c + ": the CLI's output is the plugin's for seed " + SEED);
        }
    }
}
