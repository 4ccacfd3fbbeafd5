package dev.restora.app.studio;

import static dev.restora.app.studio.StudioUiTest.fx;
import static dev.restora.app.studio.StudioUiTest.until;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.restora.app.studio.fixtures.SlowStepsProvider;
import dev.restora.app.studio.model.ModelManagerModel;
import dev.restora.app.studio.model.StudioContext;
import dev.restora.app.studio.view.ModelManagerView;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");
    @TempDir
    static Path dir;
    private StudioApp app;
    private StudioContext ctx;
    private HttpServer server;
    private final byte[] content = new byte[300_000];
    private final AtomicInteger requests = new AtomicInteger();
    private volatile long chunkDelayMs = 40;

    @Start
    void start(Stage stage) throws Exception {
        new Random(3).nextBytes(content);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/models/", ex -> {
            requests.incrementAndGet();
            int from = 0;
            String range = ex.getRequestHeaders().getFirst("Range");
            Matcher m = range == null ? null : RANGE.matcher(range);
            ex.getResponseHeaders().add("ETag", "\"v1\"");
            if (m != null && m.matches()) {
                from = Integer.parseInt(m.group(1));
                ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/"
                        + content.length);
                ex.sendResponseHeaders(206, content.length - from);
            } else {
                ex.sendResponseHeaders(200, content.length);
            }
            try (OutputStream os = ex.getResponseBody()) {
                for (int i = from; i < content.length; i += 4096) {
                    os.write(content, i, Math.min(4096, content.length - i));
                    os.flush();
                    if (chunkDelayMs > 0) {
                        Thread.sleep(chunkDelayMs);
                    }
                }
            } catch (java.io.IOException | InterruptedException e) {
                // the client went away (cancel)
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-model-server");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        System.setProperty(SlowStepsProvider.SERVER_PROPERTY, "http://127.0.0.1:" + server.getAddress().getPort());
        ctx = StudioFixtures.context(dir.resolve("home"), Platform::runLater);
        app = new StudioApp(ctx);
        app.start(stage);
    }

    @AfterEach
    void tearDown() {
        ctx.close();
        server.stop(0);
        System.clearProperty(SlowStepsProvider.SERVER_PROPERTY);
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
        chunkDelayMs = 0;
        int before = requests.get();
        robot.clickOn("#model-download-" + id); // now "Resume"
        until(() -> m.row(id).state() == ModelManagerModel.State.VERIFIED, 60, "the verified download");
        assertTrue(requests.get() > before);
        assertArrayEquals(content, Files.readAllBytes(ctx.store().pathOf(id)));
        assertTrue(ctx.threads().violations().isEmpty(), ctx.threads().violations().toString());
        // the pipeline's weighted model is now available to the workspace
        assertTrue(fx(() -> m.allPresent()));
        robot.clickOn("#model-remove-" + id);
        until(() -> m.row(id).state() == ModelManagerModel.State.MISSING, 20, "the removal");
        assertFalse(Files.exists(ctx.store().pathOf(id)));
    }
}
