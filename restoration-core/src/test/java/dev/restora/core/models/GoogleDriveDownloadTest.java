package dev.restora.core.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.restora.core.RestoraException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Google Drive answers the download address of a large file with an HTML "can't scan this file for viruses" page whose
 * form leads to the file; a loopback server answers the same way (the page's markup follows Drive's of 2024-2026).
 */
class GoogleDriveDownloadTest {
    private static final String FILE_ID = "1AbC-dEf_GhI";

    @TempDir
    Path tmp;
    private HttpServer server;
    private byte[] content;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    /** What /uc answers: the confirmation page, or a page without a way to the file (a sign-in page). */
    private volatile boolean signInPage;

    @BeforeEach
    void start() throws IOException {
        content = new byte[200_000];
        new Random(3).nextBytes(content);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/uc", this::page);
        server.createContext("/download", this::file);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void page(HttpExchange ex) throws IOException {
        requests.add(ex.getRequestURI().toString());
        String html = signInPage
                ? "<!DOCTYPE html><html><head><title>Sign in - Google Accounts</title></head><body>"
                + "<form action=\"/signin\" method=\"post\"><input type=\"email\" name=\"identifier\"></form></body></html>"
                : "<!DOCTYPE html><html><head><meta http-equiv=\"content-type\" content=\"text/html; charset=utf-8\"/>"
                + "<title>Google Drive - Virus scan warning</title></head><body><div class=\"uc-main\"><div id=\"uc-text\">"
                + "<p class=\"uc-warning-caption\">Google Drive can't scan this file for viruses.</p>"
                + "<p class=\"uc-warning-subcaption\"><span class=\"uc-name-size\"><a href=\"/open?id=" + FILE_ID
                + "\">model.ckpt</a> (1.2G)</span> is too large for Google to scan for viruses. Would you still like to"
                + " download this file?</p><form id=\"download-form\" action=\"" + base() + "/download\" method=\"get\">"
                + "<input type=\"submit\" id=\"uc-download-link\" class=\"goog-inline-block jfk-button\" value=\"Download anyway\"/>"
                + "<input type=\"hidden\" name=\"id\" value=\"" + FILE_ID + "\"><input type=\"hidden\" name=\"export\" "
                + "value=\"download\"><input type=\"hidden\" name=\"confirm\" value=\"t\"><input type=\"hidden\" "
                + "name=\"uuid\" value=\"6c1d6b0e-6ad4-4c1b-9e0b-1f0d7f3c2a10\"></form></div></div></body></html>";
        byte[] b = html.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
        ex.sendResponseHeaders(200, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    private void file(HttpExchange ex) throws IOException {
        requests.add(ex.getRequestURI().toString());
        String q = ex.getRequestURI().getRawQuery();
        if (q == null || !q.contains("id=" + FILE_ID) || !q.contains("confirm=t") || !q.contains("uuid=")) {
            ex.sendResponseHeaders(400, -1);
            ex.close();
            return;
        }
        ex.getResponseHeaders().add("Content-Type", "application/octet-stream");
        ex.getResponseHeaders().add("Content-Disposition", "attachment; filename=\"model.ckpt\"");
        ex.sendResponseHeaders(200, content.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(content);
        }
    }

    private ModelStore store() {
        CatalogEntry e = new CatalogEntry("drive-model", "model.ckpt", base() + "/uc?export=download&id=" + FILE_ID,
                content.length, null, "", false, "a model on Google Drive");
        return new ModelStore(ModelCatalog.of(e), tmp.resolve("store")).setOffline(false)
                .setRetryDelay(Duration.ofMillis(10)).setTensorInspector(null);
    }

    @Test
    void followsTheVirusScanConfirmationToTheFile() throws IOException {
        ModelStore s = store();
        Path p = s.download("drive-model", null);
        assertArrayEquals(content, Files.readAllBytes(p));
        assertEquals(2, requests.size(), requests.toString());
        assertTrue(requests.get(1).startsWith("/download?id=" + FILE_ID + "&export=download&confirm=t&uuid="),
                requests.toString());
    }

    @Test
    void aWebPageWithoutAWayToTheFileIsOneSentenceWithTheAddressAndThePath() {
        signInPage = true;
        ModelStore s = store();
        RestoraException ex = assertThrows(RestoraException.class, () -> s.download("drive-model", null));
        String m = ex.getMessage();
        assertTrue(m.contains("web page") && m.contains(base() + "/uc?export=download&id=" + FILE_ID)
                && m.contains(s.pathOf("drive-model").toString()) && m.contains("browser"), m);
        assertFalse(m.contains("\n"), "one sentence: " + m);
        assertFalse(Files.exists(s.pathOf("drive-model")), "the page was not stored as the model");
        assertEquals(ModelStatus.MISSING, s.status("drive-model"));
    }
}
