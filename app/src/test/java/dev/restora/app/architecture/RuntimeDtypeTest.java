package dev.restora.app.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.restora.app.cli.fixtures.FixtureDiffusion;
import dev.restora.audio.AudioClip;
import dev.restora.core.pipeline.Media;
import dev.restora.core.engine.EngineSetup;
import dev.restora.core.restore.MediaFiles;
import dev.restora.esrgan.EsrganProvider;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pipelines run once on the CPU make no float64 array outside their CPU-only parts ({@link Float64Watch} sees
 * every array the engine makes, including DJL's own float64 scalars behind {@code mul(Number)}): ResShift and SGMSE+
 * (predictor-corrector, on a quarter second of audio) on the small parity-fixture checkpoints,
 * ESRGAN through its quick
 * benchmark on random weights. The watch itself is shown to see a boxed double and a {@code create(double[])}.
 */
class RuntimeDtypeTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @BeforeAll
    static void engine() {
        EngineSetup.configure();
    }

    @Test
    void theWatchSeesDjlsFloat64Scalars() {
        List<String> found = Float64Watch.record(() -> {
            try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                NDArray x = m.ones(new Shape(2), DataType.FLOAT32);
                x.mul(0.5).add(0.5f).clip(-1f, 1f); // one float64 scalar: the boxed 0.5
                m.create(new double[] {1, 2});
            }
        });
        assertEquals(2, found.size(), found.toString());
        assertTrue(found.get(0).contains("RuntimeDtypeTest") && found.get(0).contains("mul"), found.get(0));
    }

    @Test
    void resshiftMakesNoFloat64Array() {
        FixtureDiffusion.ResShiftFixture f = FixtureDiffusion.resshift();
        assertNotNull(f, "the resshift parity fixtures are needed (restora.parity.dir)");
        MediaFiles.Loaded input = MediaFiles.read(f.input());
        List<String> found = Float64Watch.record(() -> FixtureDiffusion.resshiftReference(f, input.media(), 7));
        assertTrue(found.isEmpty(), String.join("\n", found));
    }

    @Test
    void sgmseMakesNoFloat64Array() {
        FixtureDiffusion.SgmseFixture f = FixtureDiffusion.sgmse();
        assertNotNull(f, "the sgmse parity fixtures are needed (restora.parity.dir)");
        // a quarter of a second of the fixture recording (the network's cost is per frame)
        AudioClip clip = ((Media.Audio) MediaFiles.read(f.input()).media()).clip();
        float[][] cut = new float[clip.channelCount()][];
        for (int c = 0; c < cut.length; c++) {
            cut[c] = Arrays.copyOf(clip.channels()[c], Math.min(clip.frames(), clip.sampleRate() / 4));
        }
        Media input = new Media.Audio(new AudioClip(cut, clip.sampleRate()));
        // the probability-flow ODE's step control takes dozens of network calls even here (too slow for a test on
        // a loaded machine); its solver state is plain Java doubles, and DeviceDtypeTest reads its bytecode
        for (String sampler : List.of("pc")) {
            List<String> found = Float64Watch.record(() -> FixtureDiffusion.sgmseReference(f, input, 7,
                    Map.of("steps", 2, "sampler", sampler)));
            assertTrue(found.isEmpty(), sampler + ":\n" + String.join("\n", found));
        }
    }

    @Test
    void esrganMakesNoFloat64Array() {
        List<String> found = Float64Watch.record(() -> {
            Map<String, Object> out = new EsrganProvider().benchmark().run(Device.cpu(), QUIET, true);
            assertFalse(out.isEmpty());
        });
        assertTrue(found.isEmpty(), String.join("\n", found));
    }
}
