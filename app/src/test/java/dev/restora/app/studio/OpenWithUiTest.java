package dev.restora.app.studio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.restora.app.studio.model.StudioContext;
import java.nio.file.Path;
import java.util.List;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The studio started with files ({@code restora photo.png}, a desktop's "Open with") opens them. */
@ExtendWith(ApplicationExtension.class)
class OpenWithUiTest {
    @TempDir
    static Path dir;
    private StudioApp app;
    private StudioContext ctx;

    @Start
    void start(Stage stage) throws Exception {
        ctx = StudioFixtures.context(dir.resolve("home"), Platform::runLater);
        Path photo = StudioFixtures.png(dir.resolve("photo.png"), 16, 12);
        Path voice = StudioFixtures.wav(dir.resolve("voice.wav"), 16000, 1600);
        app = new StudioApp(ctx, List.of(photo, voice));
        app.start(stage);
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    @Test
    void theFilesGivenAtStartAreOpened() throws Exception {
        StudioUiTest.until(() -> app.model().items().get().size() == 2, 30, "the files given at start");
        assertEquals("photo.png", StudioUiTest.fx(() -> app.model().selected().get().item().name()));
    }
}
