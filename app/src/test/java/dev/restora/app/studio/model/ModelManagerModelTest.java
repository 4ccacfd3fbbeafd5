package dev.restora.app.studio.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.restora.app.studio.StudioFixtures;
import dev.restora.app.studio.fixtures.SlowStepsProvider;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model manager's model without the toolkit: refused and failed downloads say why; the store folder moves. */
class ModelManagerModelTest {
    @TempDir
    Path dir;
    private StudioContext ctx;
    private HttpServer server;

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

    @Test
    void licenceFirstThenAServerErrorIsAFailureWithItsReasonAndTheFolderCanMove() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.start();
        System.setProperty(SlowStepsProvider.SERVER_PROPERTY, "http://127.0.0.1:" + server.getAddress().getPort());
        ctx = StudioFixtures.context(dir.resolve("home"), Runnable::run);
        ModelManagerModel m = new ModelManagerModel(ctx);
        String id = SlowStepsProvider.WEIGHTS;
        assertEquals(ModelManagerModel.State.MISSING, m.row(id).state());
        assertTrue(m.licence(id).contains("test licence"));

        m.download(id);
        assertEquals(ModelManagerModel.State.FAILED, m.row(id).state());
        assertEquals("accept the licence first", m.row(id).message());

        m.accept(id);
        assertTrue(m.row(id).accepted());
        m.download(id);
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (m.isDownloading(id) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        Thread.sleep(50);
        ModelManagerModel.Row r = m.row(id);
        assertEquals(ModelManagerModel.State.FAILED, r.state());
        assertTrue(r.message().contains("404") && r.message().contains(SlowStepsProvider.WEIGHTS_FILE), r.message());
        assertFalse(Files.exists(ctx.store().pathOf(id)));

        Path other = dir.resolve("elsewhere");
        m.changeFolder(other);
        assertEquals(other, m.folder().get());
        assertEquals(other.toString(), new SettingsStore(ctx.settings().file()).get().modelsFolder);
        assertEquals(other.resolve(SlowStepsProvider.WEIGHTS_FILE), ctx.store().pathOf(id));
        assertEquals(ModelManagerModel.State.MISSING, m.row(id).state());
    }
}
