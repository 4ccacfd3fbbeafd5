package dev.restora.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.restora.app.cli.fixtures.TestDownloadProvider;
import dev.restora.core.models.ModelStore;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code restora models ...} against a real HTTP server on loopback. */
class ModelsCommandTest {
    @TempDir
    Path dir;
    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private String oldServer;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/models/", this::serve);
        server.start();
        oldServer = System.getProperty(TestDownloadProvider.SERVER_PROPERTY);
        System.setProperty(TestDownloadProvider.SERVER_PROPERTY, "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
        if (oldServer == null) {
            System.clearProperty(TestDownloadProvider.SERVER_PROPERTY);
        } else {
            System.setProperty(TestDownloadProvider.SERVER_PROPERTY, oldServer);
        }
    }

    private void serve(HttpExchange ex) throws IOException {
        String name = ex.getRequestURI().getPath().substring("/models/".length());
        requests.add(name);
        byte[] b = TestDownloadProvider.content(name);
        ex.sendResponseHeaders(200, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            for (int i = 0; i < b.length; i += 8192) {
                out.write(b, i, Math.min(8192, b.length - i));
            }
        }
    }

    private Path models() {
        return dir.resolve("models");
    }

    private CliRun run(String... args) {
        return CliRun.run(models(), args);
    }

    @Test
    void listDownloadVerifyRemove() throws IOException {
        CliRun list = run("models", "list");
        assertEquals(ExitCodes.OK, list.code(), list::toString);
        assertTrue(list.out().matches("(?s).*" + TestDownloadProvider.PLAIN + "\\s+244\\.1 KB\\s+missing.*"), list::toString);
        assertTrue(list.out().contains("must be accepted: restora models accept " + TestDownloadProvider.LICENSED),
                list::toString);
        assertTrue(list.out().contains("Model store: " + models().toAbsolutePath()), list::toString);

        CliRun dl = run("models", "download", TestDownloadProvider.PLAIN);
        assertEquals(ExitCodes.OK, dl.code(), dl::toString);
        Path file = models().resolve(TestDownloadProvider.PLAIN_FILE);
        assertTrue(dl.out().contains(TestDownloadProvider.PLAIN + " -> " + file.toAbsolutePath()), dl::toString);
        assertTrue(dl.err().contains("100%") && dl.err().contains("/s"), "progress with speed: " + dl);
        assertArrayEquals(TestDownloadProvider.content(TestDownloadProvider.PLAIN_FILE), Files.readAllBytes(file));
        assertTrue(run("models", "list").out().matches("(?s).*" + TestDownloadProvider.PLAIN + "\\s+244\\.1 KB\\s+verified.*"));

        CliRun verify = run("models", "verify");
        assertEquals(ExitCodes.OK, verify.code(), verify::toString);
        assertTrue(verify.out().contains(TestDownloadProvider.PLAIN + ": OK (sha256 "), verify::toString);

        byte[] bad = Files.readAllBytes(file);
        bad[100] ^= 1;
        Files.write(file, bad);
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
        CliRun corrupt = run("models", "verify", TestDownloadProvider.PLAIN);
        assertEquals(ExitCodes.FAILED, corrupt.code(), corrupt::toString);
        assertTrue(corrupt.err().contains("SHA-256 mismatch"), corrupt::toString);

        CliRun rm = run("models", "remove", TestDownloadProvider.PLAIN);
        assertEquals(ExitCodes.OK, rm.code(), rm::toString);
        assertTrue(rm.out().contains("removed"));
        assertFalse(Files.exists(file));
        assertTrue(run("models", "list").out().matches("(?s).*" + TestDownloadProvider.PLAIN + "\\s+244\\.1 KB\\s+missing.*"));

        CliRun unknown = run("models", "download", "no-such-file");
        assertEquals(ExitCodes.USAGE, unknown.code(), unknown::toString);
        assertTrue(unknown.err().contains("known: ") && unknown.err().contains(TestDownloadProvider.PLAIN), unknown::toString);
    }

    @Test
    void licenceMustBeAcceptedFirst() throws IOException {
        CliRun refused = run("models", "download", TestDownloadProvider.LICENSED);
        assertEquals(ExitCodes.FAILED, refused.code(), refused::toString);
        assertTrue(refused.err().contains(TestDownloadProvider.LICENCE)
                && refused.err().contains("restora models accept " + TestDownloadProvider.LICENSED), refused::toString);
        assertTrue(requests.isEmpty(), "nothing fetched before acceptance");

        CliRun accept = run("models", "accept", TestDownloadProvider.LICENSED);
        assertEquals(ExitCodes.OK, accept.code(), accept::toString);
        assertTrue(accept.out().contains(TestDownloadProvider.LICENCE) && accept.out().contains("licence accepted"));
        assertTrue(run("models", "list").out().contains(TestDownloadProvider.LICENCE + " (accepted)"));

        CliRun dl = run("models", "download", TestDownloadProvider.PLAIN, TestDownloadProvider.LICENSED, "-q");
        assertEquals(ExitCodes.OK, dl.code(), dl::toString);
        assertEquals(List.of(TestDownloadProvider.PLAIN_FILE, TestDownloadProvider.LICENSED_FILE), requests);
        assertArrayEquals(TestDownloadProvider.content(TestDownloadProvider.LICENSED_FILE),
                Files.readAllBytes(models().resolve(TestDownloadProvider.LICENSED_FILE)));
        // the hash of the licensed file (none in the catalog) was recorded on first download
        assertTrue(run("models", "list").out().contains("sha256: "));
    }

    @Test
    void importChecksTheFile() throws IOException {
        Path good = dir.resolve("by-hand.bin");
        Files.write(good, TestDownloadProvider.content(TestDownloadProvider.PLAIN_FILE));
        Path wrong = dir.resolve("wrong.bin");
        Files.write(wrong, TestDownloadProvider.content("something else"));
        CliRun bad = run("models", "import", TestDownloadProvider.PLAIN, wrong.toString());
        assertEquals(ExitCodes.FAILED, bad.code(), bad::toString);
        assertTrue(bad.err().contains(wrong.toString()) && bad.err().contains("SHA-256 mismatch"), bad::toString);
        assertFalse(Files.exists(models().resolve(TestDownloadProvider.PLAIN_FILE)));
        CliRun ok = run("models", "import", TestDownloadProvider.PLAIN, good.toString());
        assertEquals(ExitCodes.OK, ok.code(), ok::toString);
        assertTrue(Files.isRegularFile(models().resolve(TestDownloadProvider.PLAIN_FILE)));
        assertTrue(requests.isEmpty());
    }

    @Test
    void offlineDownloadSaysWhereToPutTheFile() {
        System.setProperty(ModelStore.OFFLINE_PROPERTY, "true");
        try {
            CliRun r = run("models", "download", TestDownloadProvider.PLAIN);
            assertEquals(ExitCodes.FAILED, r.code(), r::toString);
            assertTrue(r.err().contains("offline mode"), r::toString);
            assertTrue(r.err().contains("http://127.0.0.1:" + server.getAddress().getPort() + "/models/"
                    + TestDownloadProvider.PLAIN_FILE), r::toString);
            assertTrue(r.err().contains(models().toAbsolutePath().resolve(TestDownloadProvider.PLAIN_FILE).toString()),
                    r::toString);
            assertTrue(requests.isEmpty());
        } finally {
            System.clearProperty(ModelStore.OFFLINE_PROPERTY);
        }
    }
}
