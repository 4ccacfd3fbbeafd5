package dev.restora.app.studio;

import static dev.restora.app.studio.StudioUiTest.fx;
import static dev.restora.app.studio.StudioUiTest.until;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.app.studio.fixtures.SlowModelServer;
import dev.restora.app.studio.fixtures.SlowStepsProvider;
import dev.restora.app.studio.model.ModelManagerModel;
import dev.restora.app.studio.model.StudioContext;
import dev.restora.app.studio.view.ModelManagerView;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.application.Platform;
import javafx.scene.control.Button;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The model manager on the real stage against a loopback HTTP server: the licence must be accepted, a slow download
 * shows progress and can be cancelled (the partial file is kept), the resumed download is verified into the store.
 */
@ExtendWith(ApplicationExtension.class)
class ModelManagerUiTest {
    @TempDir
    static Path dir;
    private StudioApp app;
    private StudioContext ctx;
    private SlowModelServer server;

    @Start
    void start(Stage stage) throws Exception {
        server = new SlowModelServer(300_000, 40);
        ctx = StudioFixtures.context(dir.resolve("home"), Platform::runLater);
        app = new StudioApp(ctx);
        app.start(stage);
    }

    @AfterEach
    void tearDown() {
        ctx.close();
        server.close();
    }

    @Test
    void acceptDownloadCancelResumeAndVerify(FxRobot robot) throws Exception {
        String id = SlowStepsProvider.WEIGHTS;
        ModelManagerView v = fx(() -> app.window().openModels());
        ModelManagerModel m = v.model();
        until(() -> !m.rows().get().isEmpty(), 20, "the store snapshot");
        assertEquals(ctx.store().directory().toString(), fx(() -> m.folder().get().toString()));
        assertEquals(ModelManagerModel.State.MISSING, fx(() -> m.row(id).state()));
        assertFalse(fx(() -> m.row(id).accepted()));
        Button download = robot.lookup("#model-download-" + id).queryAs(Button.class);
        assertTrue(fx(download::isDisabled), "download waits for the licence");
        robot.clickOn("#model-licence-" + id);
        until(() -> robot.lookup(".button").queryAllAs(Button.class).stream()
                .anyMatch(b -> "Accept".equals(b.getText()) && b.getScene() != null && b.getScene().getWindow() != null
                        && b.getScene().getWindow().isShowing()), 20, "the licence dialog");
        Button accept = fx(() -> robot.lookup(".button").queryAllAs(Button.class).stream()
                .filter(b -> "Accept".equals(b.getText()) && b.getScene() != null).findFirst().orElseThrow());
        robot.clickOn(accept);
        until(() -> m.row(id).accepted(), 20, "the licence acceptance");
        robot.clickOn("#model-download-" + id);
        until(() -> m.row(id).state() == ModelManagerModel.State.DOWNLOADING && m.row(id).bytes() > 20_000, 60,
                "download progress");
        ModelManagerModel.Row row = fx(() -> m.row(id));
        assertTrue(row.sizeText().contains("/s"), row.sizeText());
        assertTrue(row.fraction() > 0 && row.fraction() < 1, "fraction " + row.fraction());
        // the row is redrawn with every progress update, so the button is found and pressed in one UI-thread step
        fx(() -> {
            robot.lookup("#model-cancel-" + id).queryAs(Button.class).fire();
            return null;
        });
        until(() -> m.row(id).state() == ModelManagerModel.State.PARTIAL, 30, "the cancelled download to be partial");
        assertFalse(Files.exists(ctx.store().pathOf(id)), "no file at the final path before it is verified");
        server.chunkDelayMs(0);
        int before = server.requests();
        robot.clickOn("#model-download-" + id); // now "Resume"
        until(() -> m.row(id).state() == ModelManagerModel.State.VERIFIED, 60, "the verified download");
        assertTrue(server.requests() > before);
        assertArrayEquals(server.content(), Files.readAllBytes(ctx.store().pathOf(id)));
        assertTrue(ctx.threads().violations().isEmpty(), ctx.threads().violations().toString());
        // the pipeline's weighted model is now available to the workspace
        assertTrue(fx(() -> m.allPresent()));
        robot.clickOn("#model-remove-" + id);
        until(() -> m.row(id).state() == ModelManagerModel.State.MISSING, 20, "the removal");
        assertFalse(Files.exists(ctx.store().pathOf(id)));
    }
}
