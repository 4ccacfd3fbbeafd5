package dev.restora.app.studio;

import static dev.restora.app.studio.StudioUiTest.fx;
import static dev.restora.app.studio.StudioUiTest.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.app.studio.model.JobSpec;
import dev.restora.app.studio.model.QueueModel;
import dev.restora.app.studio.model.StudioContext;
import dev.restora.core.jobs.JobState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javafx.application.Platform;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.ToggleButton;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The queue panel after a restart: the last session's jobs (saved by a first context) come back queued with the queue
 * paused; the user reorders, cancels one and resumes; the others run to their output files.
 */
@ExtendWith(ApplicationExtension.class)
class QueueRestoreUiTest {
    @TempDir
    static Path dir;
    private StudioApp app;
    private StudioContext ctx;
    private Path out;

    @Start
    void start(Stage stage) throws Exception {
        Path home = dir.resolve("home");
        out = dir.resolve("out");
        // the previous session: three jobs queued behind a paused queue, then the app closed
        StudioContext first = StudioFixtures.context(home, Runnable::run);
        first.queue().setPaused(true);
        for (String n : List.of("a", "b", "c")) {
            Path in = StudioFixtures.png(dir.resolve(n + ".png"), 8, 8);
            first.queue().submit(JobSpec.restore(n + ".png · test", in.toString(), "test-slow-steps", "box2x",
                    Map.of("steps", 3, "delay_ms", 0), 1, out.resolve(n + "_restored.png").toString()));
        }
        first.close();
        ctx = StudioFixtures.context(home, Platform::runLater);
        app = new StudioApp(ctx);
        app.start(stage);
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    @Test
    void restoredJobsWaitPausedThenRunAfterResume(FxRobot robot) throws Exception {
        @SuppressWarnings("unchecked")
        TableView<QueueModel.Row> table = robot.lookup("#queue-table").queryAs(TableView.class);
        until(() -> table.getItems().size() == 3, 30, "the restored rows");
        assertTrue(fx(() -> table.getItems().stream().allMatch(r -> r.job().state() == JobState.QUEUED)));
        Label notice = robot.lookup("#notice").queryAs(Label.class);
        assertTrue(fx(notice::getText).contains("3 job(s) from the last session"));
        ToggleButton pause = robot.lookup("#queue-pause").queryAs(ToggleButton.class);
        assertTrue(fx(pause::isSelected));
        assertEquals("Resume queue", fx(pause::getText));
        // c to the front, b cancelled
        fx(() -> {
            table.getSelectionModel().select(2);
            return null;
        });
        robot.clickOn(robot.lookup(".queue-panel .icon-button").nth(0).queryButton()); // move up
        robot.clickOn(robot.lookup(".queue-panel .icon-button").nth(0).queryButton());
        until(() -> table.getItems().get(0).job().description().startsWith("c.png"), 10, "the reorder");
        fx(() -> {
            table.getSelectionModel().select(2);
            return null;
        });
        assertTrue(fx(() -> table.getSelectionModel().getSelectedItem().job().description()).startsWith("b.png"));
        robot.clickOn("#queue-cancel");
        until(() -> table.getItems().stream().anyMatch(r -> r.stateText().equals("cancelled")), 10, "the cancel");
        robot.clickOn("#queue-pause");
        until(() -> table.getItems().stream().filter(r -> r.stateText().equals("done")).count() == 2, 60,
                "the resumed jobs");
        assertFalse(fx(pause::isSelected));
        assertTrue(Files.isRegularFile(out.resolve("a_restored.png")));
        assertTrue(Files.isRegularFile(out.resolve("c_restored.png")));
        assertFalse(Files.exists(out.resolve("b_restored.png")));
    }
}
