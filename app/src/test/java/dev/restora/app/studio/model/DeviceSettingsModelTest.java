package dev.restora.app.studio.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.restora.app.studio.StudioFixtures;
import dev.restora.core.engine.AppDirs;
import dev.restora.core.net.HttpTransfer;
import dev.restora.core.runtime.GpuRuntimes;
import dev.restora.core.runtime.RuntimePlatform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settings, Device without the toolkit: a plan shows sizes and free disk before anything large is fetched; an
 * install whose libraries do not load is reported and not selected.
 */
class DeviceSettingsModelTest {
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
    }

    /** A loopback mirror with DJL's layout serving three small files that are not libraries. */
    private String mirror() throws IOException {
        String classifier = RuntimePlatform.current().classifier();
        Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        Random r = new Random(1);
        for (String base : new String[] {"torch", "torch_cpu", "c10"}) {
            byte[] raw = new byte[20_000];
            r.nextBytes(raw);
            ByteArrayOutputStream bo = new ByteArrayOutputStream();
            try (OutputStream gz = new GZIPOutputStream(bo)) {
                gz.write(raw);
            }
            files.put("cpu/" + classifier + "/native/lib/" + RuntimePlatform.current().libraryName(base) + ".gz",
                    bo.toByteArray());
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            String rel = ex.getRequestURI().getPath().replaceFirst("^/pytorch/2\\.7\\.1/", "");
            byte[] body = rel.equals("files.txt")
                    ? String.join("\n", files.keySet()).getBytes(StandardCharsets.UTF_8) : files.get(rel);
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
            } else if (ex.getRequestMethod().equals("HEAD")) {
                ex.getResponseHeaders().add("Content-Length", Integer.toString(body.length));
                ex.sendResponseHeaders(200, -1);
            } else {
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/pytorch";
    }

    private static void await(DeviceSettingsModel m, Predicate<DeviceSettingsModel.View> done) throws Exception {
        CountDownLatch latch = new CountDownLatch(1);
        Runnable off = m.view().listen(v -> {
            if (done.test(v)) {
                latch.countDown();
            }
        });
        try {
            assertTrue(latch.await(120, TimeUnit.SECONDS), "last: " + m.view().get());
        } finally {
            off.run();
        }
    }

    @Test
    void aPlanShowsSizesThenAnInstallThatDoesNotLoadIsReportedAndNotSelected() throws Exception {
        String url = mirror();
        ctx = StudioFixtures.context(dir.resolve("home"), Runnable::run);
        GpuRuntimes rts = new GpuRuntimes(AppDirs.at(ctx.home()), new HttpTransfer(), RuntimePlatform.current());
        rts.setMirror(url);
        DeviceSettingsModel m = new DeviceSettingsModel(ctx, () -> rts);
        await(m, v -> !v.devices().isEmpty());
        assertTrue(m.view().get().devices().get(0).startsWith("CPU: "), m.view().get().toString());
        assertTrue(m.view().get().inUse().contains("bundled"), m.view().get().inUse());

        m.plan("cpu");
        await(m, v -> v.phase() == DeviceSettingsModel.Phase.PLANNED || v.phase() == DeviceSettingsModel.Phase.FAILED);
        DeviceSettingsModel.View planned = m.view().get();
        assertEquals(DeviceSettingsModel.Phase.PLANNED, planned.phase(), planned.progress());
        assertNotNull(planned.plan());
        assertEquals(3, planned.plan().items().size());
        assertTrue(planned.progress().startsWith("3 files, ") && planned.progress().contains("free"),
                planned.progress());

        m.install();
        await(m, v -> v.phase() == DeviceSettingsModel.Phase.DONE || v.phase() == DeviceSettingsModel.Phase.FAILED);
        DeviceSettingsModel.View end = m.view().get();
        assertEquals(DeviceSettingsModel.Phase.FAILED, end.phase(), end.progress());
        assertTrue(end.progress().contains("did not load in a test process"), end.progress());
        assertTrue(rts.status().selected().isEmpty(), "a runtime that does not load is never selected");
    }
}
