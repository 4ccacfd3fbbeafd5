package dev.restora.app.studio;

import static dev.restora.app.studio.StudioUiTest.fx;
import static dev.restora.app.studio.StudioUiTest.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.app.studio.model.SettingsStore;
import dev.restora.app.studio.model.StudioContext;
import dev.restora.app.studio.model.StudioSettings;
import dev.restora.app.studio.model.WorkspaceModel;
import dev.restora.app.studio.view.AudioCompareView;
import dev.restora.audio.AudioIO;
import dev.restora.core.pipeline.Media;
import java.nio.file.Path;
import java.util.List;
import javafx.application.Platform;
import javafx.scene.control.ComboBox;
import javafx.scene.control.ToggleButton;
import javafx.scene.image.WritableImage;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** Speech before/after with A/B and the removed part, paste, recent files, the shortcuts sheet, settings and About. */
@ExtendWith(ApplicationExtension.class)
class StudioExtrasUiTest {
    @TempDir
    static Path dir;
    private StudioApp app;
    private StudioContext ctx;
    private RecordingAudioOutput audio;
    private Path home;

    @Start
    void start(Stage stage) throws Exception {
        home = dir.resolve("home-" + System.nanoTime());
        ctx = StudioFixtures.context(home, Platform::runLater);
        audio = new RecordingAudioOutput();
        ctx.setAudioOutput(audio);
        app = new StudioApp(ctx);
        app.start(stage);
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    @Test
    void speechRunShowsOutputAndRemovedPartWithABPlayback(FxRobot robot) throws Exception {
        Path wav = StudioFixtures.wav(dir.resolve("noisy.wav"), 16000, 16000);
        fx(() -> {
            app.model().open(List.of(wav));
            return null;
        });
        until(() -> app.model().selected().get() != null, 20, "the recording to open");
        WorkspaceModel w = fx(() -> app.model().selected().get());
        assertEquals("test-speech", fx(() -> w.pipeline().get().descriptor().id()), "only speech pipelines fit");
        assertEquals(1, w.pipelines().size());
        ToggleButton b = robot.lookup("B · output").queryAs(ToggleButton.class);
        assertTrue(fx(b::isDisabled));
        robot.push(KeyCode.SHORTCUT, KeyCode.ENTER); // Run > Run
        until(() -> w.state().get() == WorkspaceModel.RunState.DONE, 60, "the speech run");
        until(() -> !b.isDisabled(), 20, "the output waveform");
        Media.Audio out = (Media.Audio) fx(() -> w.result().get());
        assertEquals(16000, out.clip().frames());
        robot.clickOn("Removed");
        robot.clickOn("Play");
        AudioCompareView view = fx(() -> app.window().currentView().audioView());
        // playback goes to the recording output: hold it after two blocks and check what was played
        audio.allow(2);
        audio.awaitWrites(3);
        assertTrue(fx(() -> view.player().isPlaying()));
        assertEquals(List.of(16000), audio.rates());
        float[] in = AudioIO.read(wav).channels()[0];
        float[] outSamples = out.clip().channels()[0];
        short[] played = audio.played();
        assertEquals(2 * 1024, played.length);
        for (int i = 0; i < played.length; i++) {
            assertEquals(RecordingAudioOutput.pcm(in[i] - outSamples[i]), played[i], "removed part, sample " + i);
        }
        fx(() -> {
            view.stop();
            return null;
        });
        audio.awaitClosed();
        assertFalse(fx(() -> view.player().isPlaying()));
        assertEquals(2 * 1024, fx(() -> view.player().position()), "stopped where playback was held");
    }

    @Test
    void pasteRecentShortcutsSettingsAndAbout(FxRobot robot) throws Exception {
        // paste an image from the clipboard
        fx(() -> {
            WritableImage img = new WritableImage(20, 10);
            for (int y = 0; y < 10; y++) {
                for (int x = 0; x < 20; x++) {
                    img.getPixelWriter().setArgb(x, y, 0xFF000000 | (x * 12 << 16) | (y * 25 << 8));
                }
            }
            ClipboardContent c = new ClipboardContent();
            c.putImage(img);
            javafx.scene.input.Clipboard.getSystemClipboard().setContent(c);
            app.window().paste();
            return null;
        });
        until(() -> app.model().selected().get() != null, 20, "the pasted image");
        WorkspaceModel pasted = fx(() -> app.model().selected().get());
        assertEquals("pasted image 1", pasted.item().name());
        assertEquals(20, ((Media.Image) pasted.item().media()).image().width());
        assertTrue(pasted.suggestedOutput().getFileName().toString().endsWith(".png"));

        // recent files are saved in the settings and listed in the menu
        Path png = StudioFixtures.png(dir.resolve("recent.png"), 8, 8);
        fx(() -> {
            app.model().open(List.of(png));
            return null;
        });
        until(() -> app.model().items().get().size() == 2, 20, "the second item");
        assertEquals(png.toAbsolutePath().toString(), new SettingsStore(ctx.settings().file()).get().recentFiles.get(0));

        // F1 opens the shortcuts sheet
        robot.push(KeyCode.F1);
        until(() -> robot.lookup("#shortcuts-sheet").tryQuery().isPresent(), 10, "the shortcuts sheet");
        assertTrue(robot.lookup("Run").tryQuery().isPresent());
        closeWindow("Keyboard shortcuts");

        // settings: the theme applies at once and is saved
        fx(() -> {
            app.window().openSettings();
            return null;
        });
        until(() -> robot.lookup("#settings-dialog").tryQuery().isPresent(), 10, "the settings");
        @SuppressWarnings("unchecked")
        ComboBox<StudioSettings.Theme> theme = fx(() -> (ComboBox<StudioSettings.Theme>) robot.lookup("#settings-theme")
                .queryAs(ComboBox.class));
        fx(() -> {
            theme.setValue(StudioSettings.Theme.DARK);
            return null;
        });
        assertTrue(fx(() -> app.stage().getScene().getRoot().getStyleClass().contains("theme-dark")));
        assertEquals(StudioSettings.Theme.DARK, new SettingsStore(ctx.settings().file()).get().theme);
        closeWindow("Settings");

        // About lists the versions and each pipeline's model licences
        fx(() -> {
            new dev.restora.app.studio.view.AboutDialog(ctx, app.stage()).show();
            return null;
        });
        until(() -> robot.lookup("#about-dialog").tryQuery().isPresent(), 10, "the About dialog");
        javafx.scene.control.TextArea lic = robot.lookup("#about-dialog .text-area").queryAs(
                javafx.scene.control.TextArea.class);
        String text = fx(lic::getText);
        assertTrue(text.contains("test_slow_weights.bin") && text.contains("must be accepted"), text);
        closeWindow("About Restora Studio");
        assertNotNull(fx(() -> app.window().currentView()));
        assertFalse(fx(() -> app.model().items().get().isEmpty()));
    }

    private static void closeWindow(String title) throws Exception {
        fx(() -> {
            for (Window w : List.copyOf(Window.getWindows())) {
                if (w instanceof Stage s && title.equals(s.getTitle())) {
                    s.close();
                }
            }
            return null;
        });
    }
}
