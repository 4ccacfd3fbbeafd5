package dev.restora.app.studio;

import static dev.restora.app.studio.StudioUiTest.fx;
import static dev.restora.app.studio.StudioUiTest.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.restora.app.studio.model.StudioContext;
import dev.restora.app.studio.view.ModelManagerView;
import dev.restora.core.jobs.WorkerPool;
import dev.restora.core.pipeline.PipelineProvider;
import dev.restora.core.plugins.PipelineRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import javafx.application.Platform;
import javafx.geometry.Bounds;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollBar;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The model manager at its default size with the installed plugins' catalog (the long descriptions users see): every
 * row's buttons are fully inside the list and no horizontal scroll bar shows.
 */
@ExtendWith(ApplicationExtension.class)
class ModelManagerLayoutUiTest {
    @TempDir
    static Path dir;
    private StudioApp app;
    private StudioContext ctx;

    /** The plugins the app ships (the class path's providers without the test fixtures). */
    static PipelineRegistry installedPlugins() {
        List<PipelineProvider> real = new ArrayList<>();
        for (PipelineProvider p : ServiceLoader.load(PipelineProvider.class)) {
            if (!p.getClass().getName().startsWith("dev.restora.app.")) {
                real.add(p);
            }
        }
        return PipelineRegistry.of(real);
    }

    @Start
    void start(Stage stage) {
        ctx = new StudioContext(dir.resolve("home"), installedPlugins(), Platform::runLater,
                () -> new WorkerPool(List.of(Device.cpu()), 1));
        app = new StudioApp(ctx);
        app.start(stage);
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    @Test
    void rowsFitTheDefaultWindowWithTheirButtonsVisible(FxRobot robot) throws Exception {
        assertTrue(ctx.catalog().entries().size() >= 5, "the installed plugins need downloaded weights");
        ModelManagerView v = fx(() -> app.window().openModels());
        ListView<?> list = robot.lookup("#model-list").queryAs(ListView.class);
        until(() -> !list.getItems().isEmpty(), 30, "the rows");
        assertEquals(ModelManagerView.WIDTH, fx(() -> v.stage().getScene().getWidth()));
        // two pulses: the rows are laid out
        fx(() -> null);
        fx(() -> null);
        List<String> problems = fx(() -> {
            List<String> out = new ArrayList<>();
            list.applyCss();
            list.layout();
            Bounds view = list.localToScene(list.getLayoutBounds());
            int buttons = 0;
            for (Node n : list.lookupAll(".button")) {
                if (!(n instanceof Button b) || !b.isVisible() || b.getScene() == null || b.getParent() == null) {
                    continue;
                }
                String id = b.getId() == null ? "" : b.getId();
                if (!id.startsWith("model-licence-") && !id.startsWith("model-download-")) {
                    continue;
                }
                buttons++;
                Bounds bb = b.localToScene(b.getLayoutBounds());
                if (bb.getMinX() < view.getMinX() || bb.getMaxX() > view.getMaxX() - 1) {
                    out.add(id + " at x " + bb.getMinX() + "-" + bb.getMaxX() + " outside the list's "
                            + view.getMinX() + "-" + view.getMaxX());
                }
                if (b.getWidth() + 0.5 < b.prefWidth(-1)) {
                    out.add(id + " squeezed to " + b.getWidth() + " of " + b.prefWidth(-1));
                }
            }
            if (buttons < 4) {
                out.add("only " + buttons + " licence/download buttons found");
            }
            for (Node n : list.lookupAll(".scroll-bar")) {
                if (n instanceof ScrollBar sb && sb.getOrientation() == Orientation.HORIZONTAL && sb.isVisible()) {
                    out.add("a horizontal scroll bar shows");
                }
            }
            return out;
        });
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(ctx.threads().violations().isEmpty(), ctx.threads().violations().toString());
    }
}
