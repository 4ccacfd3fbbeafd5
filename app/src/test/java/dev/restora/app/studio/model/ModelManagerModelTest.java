package dev.restora.app.studio.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.restora.app.studio.StudioFixtures;
import dev.restora.app.studio.fixtures.SlowStepsProvider;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model manager's model without the toolkit, on a UI executor the test drives: refused and failed downloads say
 * why; the store folder moves; a download's end shows its final state in the same UI step that ends "downloading"
 * (checked between every two UI updates); the store is never read on the UI thread.
 */
class ModelManagerModelTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    @TempDir
    Path dir;
    private StudioContext ctx;
    private HttpServer server;
    private final byte[] content = new byte[300_000];
    private final AtomicInteger status = new AtomicInteger(404);

    @AfterEach
    void tearDown() {
        if (ctx != null) {
            ctx.close();
        }
        if (server != null) {
            server.stop(0);
        }
        System.clearProperty(SlowStepsProvider.SERVER_PROPERTY);
    }

    private ManualUi startServerAndContext() throws Exception {
        new Random(5).nextBytes(content);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            if (status.get() != 200) {
                ex.sendResponseHeaders(status.get(), -1);
                ex.close();
                return;
            }
            ex.sendResponseHeaders(200, content.length);
            try (OutputStream os = ex.getResponseBody()) {
                for (int i = 0; i < content.length; i += 8192) {
                    os.write(content, i, Math.min(8192, content.length - i));
                    os.flush();
                }
            }
        });
        server.start();
        System.setProperty(SlowStepsProvider.SERVER_PROPERTY, "http://127.0.0.1:" + server.getAddress().getPort());
        ManualUi ui = new ManualUi();
        ctx = StudioFixtures.context(dir.resolve("home"), ui);
        ctx.threads().uiThread(ui::onUiThread);
        return ui;
    }

    /** "Downloading" and the row's state change together, in one UI step. */
    private static Runnable consistent(ModelManagerModel m, String id) {
        return () -> {
            if (m.rows().get().isEmpty()) {
                return;
            }
            boolean rowSays = m.row(id).state() == ModelManagerModel.State.DOWNLOADING;
            assertEquals(m.isDownloading(id), rowSays, "isDownloading() and the row disagree: row "
                    + m.row(id).state());
        };
    }

    @Test
    void licenceFirstThenAServerErrorIsAFailureWithItsReasonAndTheFolderCanMove() throws Exception {
        ManualUi ui = startServerAndContext();
        ModelManagerModel m = new ModelManagerModel(ctx);
        String id = SlowStepsProvider.WEIGHTS;
        ui.runUntil(() -> !m.rows().get().isEmpty());
        assertEquals(ModelManagerModel.State.MISSING, m.row(id).state());
        assertTrue(m.licence(id).contains("test licence"));

        m.download(id);
        assertEquals(ModelManagerModel.State.FAILED, m.row(id).state());
        assertEquals("accept the licence first", m.row(id).message());

        m.accept(id);
        ui.runUntil(() -> m.row(id).accepted());
        m.download(id);
        assertTrue(m.isDownloading(id));
        ui.runUntil(() -> !m.isDownloading(id), consistent(m, id), WAIT);
        ModelManagerModel.Row r = m.row(id);
        assertEquals(ModelManagerModel.State.FAILED, r.state());
        assertTrue(r.message().contains("404") && r.message().contains(SlowStepsProvider.WEIGHTS_FILE), r.message());
        assertFalse(Files.exists(ctx.store().pathOf(id)));

        Path other = dir.resolve("elsewhere");
        m.changeFolder(other);
        ui.runUntil(() -> other.equals(m.folder().get()));
        assertEquals(other.toString(), new SettingsStore(ctx.settings().file()).get().modelsFolder);
        assertEquals(other.resolve(SlowStepsProvider.WEIGHTS_FILE), ctx.store().pathOf(id));
        assertEquals(ModelManagerModel.State.MISSING, m.row(id).state());
        assertEquals(java.util.List.of(), ctx.threads().violations());
    }

    @Test
    void aCompletedDownloadEndsDownloadingAndShowsItsStateInOneStep() throws Exception {
        ManualUi ui = startServerAndContext();
        status.set(200);
        ModelManagerModel m = new ModelManagerModel(ctx);
        String id = SlowStepsProvider.WEIGHTS;
        ui.runUntil(() -> !m.rows().get().isEmpty());
        m.accept(id);
        ui.runUntil(() -> m.row(id).accepted());
        m.download(id);
        m.download(id); // a second click while it runs starts nothing
        ui.runUntil(() -> !m.isDownloading(id), consistent(m, id), WAIT);
        ModelManagerModel.State end = m.row(id).state();
        assertTrue(end == ModelManagerModel.State.VERIFIED || end == ModelManagerModel.State.PRESENT, end.name());
        assertArrayEquals(content, Files.readAllBytes(ctx.store().pathOf(id)));
        assertTrue(m.allPresent());

        m.remove(id);
        ui.runUntil(() -> m.row(id).state() == ModelManagerModel.State.MISSING);
        assertFalse(Files.exists(ctx.store().pathOf(id)));
        assertEquals(java.util.List.of(), ctx.threads().violations());
    }
}
