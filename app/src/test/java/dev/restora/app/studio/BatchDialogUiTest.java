package dev.restora.app.studio;

import static dev.restora.app.studio.StudioUiTest.fx;
import static dev.restora.app.studio.StudioUiTest.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.app.cli.fixtures.TestSpeechProvider;
import dev.restora.app.studio.fixtures.SlowStepsProvider;
import dev.restora.app.studio.model.StudioContext;
import dev.restora.app.studio.view.PipelineChooser;
import dev.restora.app.studio.view.WorkspaceView;
import dev.restora.app.studio.view.BatchDialog;
import dev.restora.core.batch.BatchReport;
import dev.restora.core.batch.ItemResult;
import dev.restora.core.batch.ItemState;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.application.Platform;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The batch dialog on the real stage runs a real small batch into a temporary folder and reports the failure. */
@ExtendWith(ApplicationExtension.class)
class BatchDialogUiTest {
    @TempDir
    static Path dir;
    private StudioApp app;
    private StudioContext ctx;

    @Start
    void start(Stage stage) throws Exception {
        ctx = StudioFixtures.context(dir.resolve("home"), Platform::runLater);
        app = new StudioApp(ctx);
        app.start(stage);
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    @Test
    void runsAFolderBatchAndReportsFailuresWithReasons(FxRobot robot) throws Exception {
        Path in = dir.resolve("photos");
        StudioFixtures.png(in.resolve("a.png"), 12, 10);
        StudioFixtures.png(in.resolve("b.png"), 10, 8);
        StudioFixtures.png(in.resolve("trip").resolve("c.png"), 9, 9);
        StudioFixtures.brokenPng(in.resolve("trip").resolve("broken.png"));
        Path out = dir.resolve("restored");
        BatchDialog d = fx(() -> app.window().openBatch());
        fx(() -> {
            d.model().addInput(in);
            d.model().selectPipeline(ctx.registry().require(SlowStepsProvider.ID));
            d.model().form().get().field("steps").set(2);
            d.model().form().get().field("delay_ms").set(0);
            return null;
        });
        robot.clickOn("#batch-output").write(out.toString());
        TextField naming = robot.lookup("#batch-naming").queryAs(TextField.class);
        fx(() -> {
            naming.clear();
            return null;
        });
        robot.clickOn("#batch-naming").write("{name}_{pipeline}_x{scale}");
        assertEquals(out, fx(() -> d.model().output()));
        assertEquals("{name}_{pipeline}_x{scale}", fx(() -> d.model().naming()));
        robot.clickOn("#batch-start");
        until(() -> d.model().report().get() != null && !d.model().running().get(), 120, "the batch report");
        BatchReport r = fx(() -> d.model().report().get());
        assertEquals(4, r.results().size());
        assertEquals(3, r.count(ItemState.DONE));
        assertEquals(1, r.count(ItemState.FAILED));
        ItemResult failed = r.results().stream().filter(x -> x.state() == ItemState.FAILED).findFirst().orElseThrow();
        assertTrue(failed.error().contains("broken.png"), failed.error());
        assertTrue(Files.isRegularFile(out.resolve("a_test-slow-steps_x2.png")));
        assertTrue(Files.isRegularFile(out.resolve("b_test-slow-steps_x2.png")));
        assertTrue(Files.isRegularFile(out.resolve("trip").resolve("c_test-slow-steps_x2.png")));
        assertTrue(Files.isRegularFile(out.resolve("restora-batch-report.json")));
        // the dialog shows the summary and lists the failure first, with its reason
        Label summary = robot.lookup("#batch-summary").queryAs(Label.class);
        assertEquals("4 items: 3 done, 0 skipped, 1 failed", fx(summary::getText));
        ListView<?> report = robot.lookup("#batch-report").queryAs(ListView.class);
        assertEquals(failed, fx(() -> report.getItems().get(0)));
        // the same plan format as the command line
        assertTrue(fx(() -> d.model().plan().toJson()).contains("\"naming\": \"{name}_{pipeline}_x{scale}\""));
        // the queue panel shows the batch job as done
        until(() -> app.window().queuePanel().table().getItems().stream()
                .anyMatch(x -> x.spec().kind.equals("batch") && x.stateText().equals("done")), 20, "the queue row");
    }

    @Test
    void withoutAChosenPipelineEachMediaKindGoesToItsDefault(FxRobot robot) throws Exception {
        Path in = dir.resolve("mixed");
        StudioFixtures.png(in.resolve("photo.png"), 8, 6);
        StudioFixtures.wav(in.resolve("voice").resolve("take.wav"), 16000, 4000);
        Path out = dir.resolve("mixed-out");
        BatchDialog d = fx(() -> app.window().openBatch());
        assertTrue(fx(() -> d.model().choice().isAutomatic()), "a new batch starts on automatic");
        fx(() -> {
            d.model().addInput(in);
            d.model().output(out);
            d.model().start();
            return null;
        });
        until(() -> !d.model().running().get() && (d.model().report().get() != null
                || d.model().error().get() != null), 120, "the batch to end");
        assertEquals(null, fx(() -> d.model().error().get()));
        BatchReport r = fx(() -> d.model().report().get());
        assertEquals(2, r.count(ItemState.DONE), r.summary());
        assertTrue(Files.isRegularFile(out.resolve("photo_" + SlowStepsProvider.ID + ".png")));
        assertTrue(Files.isRegularFile(out.resolve("voice").resolve("take_" + TestSpeechProvider.ID + ".wav")));
        // one report, as restora batch writes it, with the route each kind took in its plan
        com.google.gson.JsonObject routes = com.google.gson.JsonParser.parseString(
                Files.readString(out.resolve("restora-batch-report.json"))).getAsJsonObject().getAsJsonObject("routes");
        assertEquals(SlowStepsProvider.ID, routes.getAsJsonObject("image").get("pipeline").getAsString());
        assertEquals(TestSpeechProvider.ID, routes.getAsJsonObject("speech").get("pipeline").getAsString());
        assertTrue(Files.notExists(out.resolve("restora-batch-report-image.json")));
        assertTrue(ctx.threads().violations().isEmpty(), ctx.threads().violations().toString());
    }

    @Test
    void aMissingInputIsReportedInTheDialog(FxRobot robot) throws Exception {
        BatchDialog d = fx(() -> app.window().openBatch());
        Path missing = dir.resolve("not-there");
        fx(() -> {
            d.model().addInput(missing);
            d.model().output(dir.resolve("never"));
            d.model().start();
            return null;
        });
        until(() -> d.model().error().get() != null && !d.model().running().get(), 30, "the error");
        assertTrue(fx(() -> d.model().error().get()).contains("not-there"), fx(() -> d.model().error().get()));
        assertEquals(null, fx(() -> d.model().job()));
    }

    @Test
    void theBatchDialogUsesTheWorkspacesChooser(FxRobot robot) throws Exception {
        Path png = StudioFixtures.png(dir.resolve("one.png"), 8, 8);
        fx(() -> {
            app.model().open(java.util.List.of(png));
            return null;
        });
        until(() -> app.window().currentView() != null, 30, "the workspace");
        WorkspaceView w = fx(() -> app.window().currentView());
        BatchDialog d = fx(() -> app.window().openBatch());
        PipelineChooser inWorkspace = fx(() -> (PipelineChooser) w.lookup(".pipeline-chooser"));
        PipelineChooser inBatch = fx(() -> (PipelineChooser) d.stage().getScene().getRoot().lookup(".pipeline-chooser"));
        assertTrue(inWorkspace != null && inBatch != null, "both use the one chooser");
        // the batch dialog now says what the workspace says about missing weights, and remembers parameters
        String note = fx(() -> {
            d.model().selectPipeline(ctx.registry().require(SlowStepsProvider.ID));
            d.model().form().get().field("steps").set(7);
            d.model().selectModel(d.model().pipeline().get().descriptor().requireModel("weighted"));
            d.model().selectPipeline(ctx.registry().require(TestSpeechProvider.ID));
            d.model().selectPipeline(ctx.registry().require(SlowStepsProvider.ID));
            d.model().selectModel(d.model().pipeline().get().descriptor().requireModel("weighted"));
            return ((Label) inBatch.lookup("#model-note")).getText();
        });
        assertTrue(note.contains("Weights missing"), note);
        assertEquals(7, fx(() -> d.model().form().get().field("steps").value().get()));
        ComboBox<?> models = fx(() -> (ComboBox<?>) inBatch.lookup("#model-box"));
        assertTrue(fx(() -> models.getButtonCell().getText()).contains("download needed"));
    }
}
