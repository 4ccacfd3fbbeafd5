package dev.restora.app.studio;

import static dev.restora.app.studio.StudioUiTest.fx;
import static dev.restora.app.studio.StudioUiTest.until;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.restora.app.cli.fixtures.FixtureDiffusion;
import dev.restora.app.studio.model.JobSpec;
import dev.restora.app.studio.model.StudioContext;
import dev.restora.app.studio.model.WorkspaceModel;
import dev.restora.app.studio.view.AudioCompareView;
import dev.restora.audio.AudioClip;
import dev.restora.core.jobs.WorkerPool;
import dev.restora.core.parity.ParityFixtures;
import dev.restora.core.pipeline.Media;
import dev.restora.core.plugins.PipelineRegistry;
import dev.restora.core.restore.MediaFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The studio's "Fast preview (approximate)" toggle for speech items, on the real stage under Monocle with SGMSE+ on
 * the parity fixture checkpoint: it is shown and off by default (the run is exact: no preset in the job), ticking it
 * runs the plugin's {@code preset=fast-preview} (the job carries the preset, the result is the plugin's own
 * fast-preview output for the seed) and the result is labelled as a preview.
 */
@ExtendWith(ApplicationExtension.class)
class FastPreviewUiTest {
    static final long SEED = 20_261_207L;

    @TempDir
    static Path dir;
    private StudioApp app;
    private StudioContext ctx;
    private Stage stage;
    private FixtureDiffusion.SgmseFixture sgmse;

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        Path home = dir.resolve("home-" + System.nanoTime());
        PipelineRegistry registry = PipelineRegistry.of(List.of(new FixtureDiffusion.Sgmse()));
        ctx = new StudioContext(home, registry, Platform::runLater, () -> new WorkerPool(List.of(Device.cpu()), 2));
        ctx.setAudioOutput(new RecordingAudioOutput());
        Path models = Files.createDirectories(home.resolve("fixture-models"));
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

    private <T extends Node> T find(String id, Class<T> type) throws Exception {
        return fx(() -> type.cast(stage.getScene().lookup("#" + id)));
    }

    private void runAndWait(WorkspaceModel w) throws Exception {
        fx(() -> {
            assertTrue(w.form().get().seedField().set(SEED), "seed");
            ((Button) stage.getScene().lookup("#run-button")).fire();
            return null;
        });
        until(() -> w.state().get() == WorkspaceModel.RunState.DONE || w.state().get() == WorkspaceModel.RunState.FAILED,
                600, "the run");
        assertEquals(WorkspaceModel.RunState.DONE, fx(() -> w.state().get()), () -> "run failed: " + w.status().get());
    }

    @Test
    void fastPreviewRunsTheApproximatePresetAndExactStaysTheDefault() throws Exception {
        ParityFixtures.family("sgmse");
        assertNotNull(sgmse, "the sgmse fixtures hold no pipeline case with a noisy recording");
        Path in = Files.copy(sgmse.input(), dir.resolve("noisy-" + System.nanoTime() + ".wav"));
        fx(() -> {
            app.model().open(List.of(in));
            return null;
        });
        until(() -> app.model().selected().get() != null, 30, "the file to open");
        WorkspaceModel w = fx(() -> app.model().selected().get());
        until(() -> w.modelAvailable(w.model().get()), 30, "the fixture weights in the models folder");

        CheckBox toggle = find("fast-preview-toggle", CheckBox.class);
        assertNotNull(toggle, "a speech item shows the fast-preview toggle");
        assertTrue(fx(toggle::isVisible), "shown for SGMSE+");
        assertTrue(fx(() -> toggle.getText().contains("approximate")), "labelled approximate");
        assertFalse(fx(toggle::isSelected), "exact is the default");
        assertEquals("Run", fx(() -> find("run-button", Button.class).getText()));

        // the default run is exact: no preset in the job (4 steps to keep it short)
        fx(() -> w.form().get().field("steps").set(4));
        runAndWait(w);
        JobSpec exact = fx(w::lastSpec);
        assertNull(exact.parameters.get(WorkspaceModel.PRESET), "the default run carries no preset");
        assertFalse(fx(() -> w.resultIsPreview().get()));
        AudioCompareView view = fx(() -> (AudioCompareView) stage.getScene().lookup(".audio-compare"));
        until(() -> view.outputTitle().equals("Output"), 30, "the exact output's title");

        // tick "Fast preview": the run is the plugin's fast-preview preset, labelled as a preview
        fx(() -> {
            toggle.fire();
            return null;
        });
        assertTrue(fx(() -> w.fastPreview().get()), "the toggle turns the preset on");
        assertEquals(WorkspaceModel.FAST_PREVIEW, fx(() -> w.form().get().field(WorkspaceModel.PRESET).value().get()),
                "the parameter form shows the preset too");
        assertEquals("Run fast preview", fx(() -> find("run-button", Button.class).getText()));
        runAndWait(w);
        JobSpec preview = fx(w::lastSpec);
        assertEquals(WorkspaceModel.FAST_PREVIEW, preview.parameters.get(WorkspaceModel.PRESET), "the job's preset");
        assertTrue(preview.title.contains("fast preview (approximate)"), preview.title);
        assertTrue(fx(() -> w.resultIsPreview().get()), "the result is marked as a preview");
        assertTrue(fx(() -> w.status().get()).startsWith("fast preview (approximate)"), fx(() -> w.status().get()));
        until(() -> view.outputTitle().contains("fast preview (approximate)"), 30, "the preview output's title");

        AudioClip noisy = ((Media.Audio) MediaFiles.read(in).media()).clip();
        AudioClip out = ((Media.Audio) fx(() -> w.result().get())).clip();
        assertEquals(noisy.frames(), out.frames(), "the preview's output exists at the input's length");
        AudioClip reference = ((Media.Audio) FixtureDiffusion.sgmseReference(sgmse, MediaFiles.read(in).media(), SEED,
                Map.of(WorkspaceModel.PRESET, WorkspaceModel.FAST_PREVIEW, "steps", 4))).clip();
        for (int c = 0; c < reference.channelCount(); c++) {
            assertArrayEquals(reference.channels()[c], out.channels()[c],
                    "channel " + c + ": the studio's preview is the plugin's fast-preview output for seed " + SEED);
        }

        // unticking goes back to exact
        fx(() -> {
            toggle.fire();
            return null;
        });
        assertFalse(fx(() -> w.fastPreview().get()));
        assertEquals("custom", fx(() -> w.form().get().field(WorkspaceModel.PRESET).value().get()));
    }
}
