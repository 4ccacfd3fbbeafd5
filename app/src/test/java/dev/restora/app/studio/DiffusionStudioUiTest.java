package dev.restora.app.studio;

import static dev.restora.app.studio.StudioUiTest.fx;
import static dev.restora.app.studio.StudioUiTest.until;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.restora.app.cli.fixtures.FixtureDiffusion;
import dev.restora.app.studio.model.StudioContext;
import dev.restora.app.studio.model.WorkspaceModel;
import dev.restora.audio.AudioClip;
import dev.restora.core.diffusion.PreviewFrame;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.jobs.WorkerPool;
import dev.restora.core.parity.ParityFixtures;
import dev.restora.core.pipeline.Media;
import dev.restora.core.plugins.PipelineRegistry;
import dev.restora.core.restore.MediaFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * ResShift and SGMSE+ end to end in the studio (the real stage under Monocle), on the parity fixtures' small
 * checkpoints in the studio's models folder: a run from the workspace delivers every step with previews, and its
 * result is exactly what the plugin's own provider gives for the same seed. Skipped with a message where the
 * fixtures are absent; a failure under {@code -Drestora.parity.required=true}.
 */
@ExtendWith(ApplicationExtension.class)
class DiffusionStudioUiTest {
    static final long SEED = 20_251_207L;
    static final int SPEECH_STEPS = 4;

    @TempDir
    static Path dir;
    private StudioApp app;
    private StudioContext ctx;
    private FixtureDiffusion.ResShiftFixture resshift;
    private FixtureDiffusion.SgmseFixture sgmse;

    @Start
    void start(Stage stage) throws Exception {
        Path home = dir.resolve("home-" + System.nanoTime());
        PipelineRegistry registry = PipelineRegistry.of(List.of(new FixtureDiffusion.ResShift(),
                new FixtureDiffusion.Sgmse()));
        ctx = new StudioContext(home, registry, Platform::runLater, () -> new WorkerPool(List.of(Device.cpu()), 2));
        ctx.setAudioOutput(new RecordingAudioOutput());
        Path models = Files.createDirectories(home.resolve("fixture-models"));
        resshift = FixtureDiffusion.resshift();
        if (resshift != null) {
            FixtureDiffusion.installResShift(models, resshift);
        }
        sgmse = FixtureDiffusion.sgmse();
        if (sgmse != null) {
            FixtureDiffusion.installSgmse(models, sgmse);
        }
        ctx.setModelsFolder(models);
        app = new StudioApp(ctx);
        app.start(stage);
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    /** Opens {@code file}, picks {@code pipelineId}, sets the seed (and {@code params}), runs it to the end. */
    private WorkspaceModel run(Path file, String pipelineId, Map<String, Object> params, List<PreviewFrame> previews)
            throws Exception {
        fx(() -> {
            app.model().open(List.of(file));
            return null;
        });
        until(() -> app.model().selected().get() != null, 30, "the file to open");
        WorkspaceModel w = fx(() -> app.model().selected().get());
        fx(() -> {
            w.selectPipeline(w.pipelines().stream().filter(r -> r.descriptor().id().equals(pipelineId)).findFirst()
                    .orElseThrow(() -> new AssertionError(pipelineId + " is not offered for " + file)));
            assertTrue(w.modelAvailable(w.model().get()), "the fixture weights are in the models folder");
            assertTrue(w.form().get().seedField().set(SEED), "seed");
            params.forEach((k, v) -> assertTrue(w.form().get().field(k).set(v), k));
            w.preview().onChange(p -> {
                if (p != null) {
                    previews.add(p);
                }
            });
            w.run();
            return null;
        });
        until(() -> w.state().get() == WorkspaceModel.RunState.DONE || w.state().get() == WorkspaceModel.RunState.FAILED,
                600, "the run of " + pipelineId);
        assertEquals(WorkspaceModel.RunState.DONE, fx(() -> w.state().get()), () -> "run failed: " + w.status().get());
        assertEquals(SEED, fx(w::usedSeed));
        return w;
    }

    @Test
    void resshiftRunInTheStudio() throws Exception {
        ParityFixtures.family("resshift");
        assertNotNull(resshift, "the resshift fixtures hold no untiled super-resolution case");
        Path in = Files.copy(resshift.input(), dir.resolve("lq-" + System.nanoTime() + ".png"));
        List<PreviewFrame> previews = new ArrayList<>();
        WorkspaceModel w = run(in, FixtureDiffusion.RESSHIFT, Map.of(), previews);

        int steps = resshift.setup().variant().steps();
        assertEquals(steps, fx(() -> w.history().size()), "every step recorded");
        assertTrue(fx(() -> w.history().get(steps - 1).frame()) != null, "the last step carries a preview");
        assertTrue(fx(previews::size) > 0, "previews reached the view");
        ImageBuffer lq = ((Media.Image) MediaFiles.read(in).media()).image();
        ImageBuffer sr = ((Media.Image) fx(() -> w.result().get())).image();
        int scale = resshift.setup().variant().scale();
        assertEquals(scale * lq.width(), sr.width(), "output width");
        assertEquals(scale * lq.height(), sr.height(), "output height");

        Media reference = FixtureDiffusion.resshiftReference(resshift, MediaFiles.read(in).media(), SEED);
        assertArrayEquals(((Media.Image) reference).image().rgb(), sr.rgb(),
                "the studio's result is the plugin's for seed " + SEED);
    }

    @Test
    void sgmseRunInTheStudio() throws Exception {
        ParityFixtures.family("sgmse");
        assertNotNull(sgmse, "the sgmse fixtures hold no pipeline case with a noisy recording");
        Path in = Files.copy(sgmse.input(), dir.resolve("noisy-" + System.nanoTime() + ".wav"));
        List<PreviewFrame> previews = new ArrayList<>();
        WorkspaceModel w = run(in, FixtureDiffusion.SGMSE, Map.of("steps", SPEECH_STEPS), previews);

        assertEquals(SPEECH_STEPS, fx(() -> w.history().size()), "every step recorded");
        assertTrue(fx(() -> w.history().get(SPEECH_STEPS - 1).frame()) != null, "the last step carries a preview");
        assertTrue(fx(previews::size) > 0, "previews reached the view");
        AudioClip noisy = ((Media.Audio) MediaFiles.read(in).media()).clip();
        AudioClip enhanced = ((Media.Audio) fx(() -> w.result().get())).clip();
        assertEquals(noisy.sampleRate(), enhanced.sampleRate(), "sample rate");
        assertEquals(noisy.frames(), enhanced.frames(), "length");

        AudioClip reference = ((Media.Audio) FixtureDiffusion.sgmseReference(sgmse, MediaFiles.read(in).media(), SEED,
                Map.of("steps", SPEECH_STEPS))).clip();
        for (int c = 0; c < reference.channelCount(); c++) {
            assertArrayEquals(reference.channels()[c], enhanced.channels()[c],
                    "channel " + c + ": the studio's result is the plugin's for seed " + SEED);
        }
    }
}
