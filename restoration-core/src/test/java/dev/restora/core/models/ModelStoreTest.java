package dev.restora.core.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.CancelledException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {
    private static final int SIZE = 300_000;

    @TempDir
    Path tmp;
    private byte[] content;
    private TestModelServer server;

    @BeforeEach
    void start() throws IOException {
        content = new byte[SIZE];
        new Random(7).nextBytes(content);
        server = new TestModelServer(content);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private CatalogEntry entry(String sha, long size, boolean mustAccept) {
        return new CatalogEntry("test-model", "test_model.pth", server.url("test_model.pth"), size, sha,
                "Test licence 1.0", mustAccept, "a test weight file");
    }

    private ModelStore store(CatalogEntry e) {
        return new ModelStore(ModelCatalog.of(e), tmp.resolve("store")).setRetryDelay(Duration.ofMillis(20))
                .setOffline(false);
    }

    private String sha(byte[] b) throws IOException {
        Path f = tmp.resolve("sha-" + System.nanoTime());
        Files.write(f, b);
        return ModelStore.sha256(f);
    }

    private List<Path> storeFiles(ModelStore s) throws IOException {
        try (Stream<Path> w = Files.walk(s.directory())) {
            return w.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().equals("index.json")).toList();
        }
    }

    @Test
    void downloadsWithProgressAndVerifies() throws IOException {
        ModelStore s = store(entry(sha(content), SIZE, false));
        List<DownloadProgress> events = Collections.synchronizedList(new ArrayList<>());
        Path p = s.download("test-model", events::add);
        assertEquals(s.directory().resolve("test_model.pth"), p);
        assertArrayEquals(content, Files.readAllBytes(p));
        assertFalse(events.isEmpty());
        DownloadProgress last = events.get(events.size() - 1);
        assertEquals(SIZE, last.bytes());
        assertEquals(SIZE, last.total());
        assertTrue(last.bytesPerSecond() > 0, "speed reported: " + last);
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i).bytes() >= events.get(i - 1).bytes(), "monotonic progress");
        }
        assertEquals(ModelStatus.VERIFIED, s.status("test-model"));
        assertEquals(p, s.require("test-model"));
        assertEquals(List.of(p), storeFiles(s), "nothing but the model (and the index) left in the store");
        // a second download is a no-op that returns the verified file
        int before = server.requests.get();
        assertEquals(p, s.download("test-model", null));
        assertEquals(before, server.requests.get());
    }

    @Test
    void droppedConnectionResumesWithRange() throws IOException {
        server.dropRequests = 1;
        server.dropAfter = 120_000;
        ModelStore s = store(entry(sha(content), SIZE, false));
        Path p = s.download("test-model", null);
        assertArrayEquals(content, Files.readAllBytes(p));
        assertTrue(server.rangeHeaders.size() >= 2, "requests: " + server.rangeHeaders);
        assertEquals("", server.rangeHeaders.get(0));
        String resume = server.rangeHeaders.get(1);
        assertTrue(resume.matches("bytes=\\d+-"), resume);
        long from = Long.parseLong(resume.substring(6, resume.length() - 1));
        assertTrue(from > 0 && from <= 120_000, "resumed from " + from);
    }

    @Test
    void partialDownloadResumesInALaterCall() throws IOException {
        server.dropRequests = 1;
        server.dropAfter = 100_000;
        ModelStore s = store(entry(sha(content), SIZE, false)).setMaxAttempts(1);
        RestoraException ex = assertThrows(RestoraException.class, () -> s.download("test-model", null));
        assertTrue(ex.getMessage().contains("resumes"), ex.getMessage());
        assertFalse(Files.exists(s.pathOf("test-model")), "no file at the final location");
        assertEquals(ModelStatus.PARTIAL, s.status("test-model"));

        // a new store object (like a new run of the app) resumes the kept part
        ModelStore again = store(entry(sha(content), SIZE, false));
        Path p = again.download("test-model", null);
        assertArrayEquals(content, Files.readAllBytes(p));
        assertTrue(server.rangeHeaders.get(1).startsWith("bytes="), server.rangeHeaders.toString());
        assertEquals(2, server.requests.get());
    }

    @Test
    void serverIgnoringRangeRestartsFromZero() throws IOException {
        server.dropRequests = 1;
        server.dropAfter = 150_000;
        server.ignoreRange = true;
        ModelStore s = store(entry(sha(content), SIZE, false));
        Path p = s.download("test-model", null);
        assertArrayEquals(content, Files.readAllBytes(p), "a 200 answer to a range request restarts the file");
        assertTrue(server.rangeHeaders.get(1).startsWith("bytes="), "the resume asked for a range");
    }

    @Test
    void wrongHashIsAClearErrorAndLeavesNothing() throws IOException {
        String wrong = "0".repeat(64);
        ModelStore s = store(entry(wrong, SIZE, false));
        RestoraException ex = assertThrows(RestoraException.class, () -> s.download("test-model", null));
        assertTrue(ex.getMessage().contains("SHA-256 mismatch"), ex.getMessage());
        assertTrue(ex.getMessage().contains("test_model.pth") && ex.getMessage().contains(wrong), ex.getMessage());
        assertEquals(List.of(), storeFiles(s), "no file left in the store");
        assertEquals(ModelStatus.MISSING, s.status("test-model"));
    }

    @Test
    void hashIsRecordedOnFirstDownloadAndAChangedFileIsRefused() throws IOException {
        ModelStore s = store(entry(null, -1, false));
        s.download("test-model", null);
        assertEquals(sha(content), s.list().get(0).sha256(), "recorded in the index");
        assertTrue(Files.readString(s.directory().resolve("index.json")).contains(sha(content)));
        s.remove("test-model", false);

        byte[] other = content.clone();
        other[1234] ^= 1;
        server.content = other;
        RestoraException ex = assertThrows(RestoraException.class, () -> s.download("test-model", null));
        assertTrue(ex.getMessage().contains("recorded when it was first stored"), ex.getMessage());
        assertFalse(Files.exists(s.pathOf("test-model")));

        // a file changed on disk after verification is caught by require
        server.content = content;
        Path p = s.download("test-model", null);
        Files.write(p, other);
        Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        RestoraException bad = assertThrows(RestoraException.class, () -> s.require("test-model"));
        assertTrue(bad.getMessage().contains("SHA-256 mismatch"), bad.getMessage());
    }

    @Test
    void truncatedBodyIsRetriedThenReported() throws IOException {
        server.truncateAt = 200_000;
        server.ignoreRange = true; // every answer stops at the same byte
        ModelStore s = store(entry(sha(content), SIZE, false)).setMaxAttempts(2);
        RestoraException ex = assertThrows(RestoraException.class, () -> s.download("test-model", null));
        assertTrue(ex.getMessage().contains("failed after 2 attempts"), ex.getMessage());
        assertFalse(Files.exists(s.pathOf("test-model")));
    }

    @Test
    void shortBodyWithMatchingLengthFailsTheSizeCheck() throws IOException {
        server.truncateAt = 200_000;
        server.announceShortLength = true; // Content-Length 200000, catalog says 300000
        ModelStore s = store(entry(null, SIZE, false));
        RestoraException ex = assertThrows(RestoraException.class, () -> s.download("test-model", null));
        assertTrue(ex.getMessage().contains("should be 300000 bytes but is 200000"), ex.getMessage());
        assertEquals(List.of(), storeFiles(s));
    }

    @Test
    void licenceMustBeAcceptedBeforeDownload() throws IOException {
        ModelStore s = store(entry(sha(content), SIZE, true));
        assertFalse(s.isAccepted("test-model"));
        RestoraException ex = assertThrows(RestoraException.class, () -> s.download("test-model", null));
        assertTrue(ex.getMessage().contains("restora models accept test-model"), ex.getMessage());
        assertTrue(ex.getMessage().contains("Test licence 1.0"), ex.getMessage());
        assertEquals(0, server.requests.get(), "nothing fetched before acceptance");
        s.accept("test-model");
        assertTrue(new ModelStore(ModelCatalog.of(entry(sha(content), SIZE, true)), s.directory())
                .isAccepted("test-model"), "acceptance persists in the store index");
        assertArrayEquals(content, Files.readAllBytes(s.download("test-model", null)));
        // a changed licence text must be accepted again
        CatalogEntry changed = new CatalogEntry("test-model", "test_model.pth", server.url("x"), SIZE, sha(content),
                "Test licence 2.0", true, "");
        assertFalse(new ModelStore(ModelCatalog.of(changed), s.directory()).isAccepted("test-model"));
    }

    @Test
    void importsALocalFileAfterVerifying() throws IOException {
        Path good = tmp.resolve("downloaded-by-hand.pth");
        Files.write(good, content);
        Path bad = tmp.resolve("other.pth");
        byte[] other = content.clone();
        other[0] ^= 1;
        Files.write(bad, other);
        ModelStore s = store(entry(sha(content), SIZE, false));

        RestoraException ex = assertThrows(RestoraException.class, () -> s.importFile("test-model", bad));
        assertTrue(ex.getMessage().contains(bad.toString()) && ex.getMessage().contains("SHA-256 mismatch"),
                ex.getMessage());
        assertEquals(List.of(), storeFiles(s));

        Path p = s.importFile("test-model", good);
        assertArrayEquals(content, Files.readAllBytes(p));
        assertTrue(Files.exists(good), "the source stays");
        assertEquals(ModelStatus.VERIFIED, s.status("test-model"));
        assertEquals(0, server.requests.get());
        assertThrows(RestoraException.class, () -> s.importFile("test-model", tmp.resolve("nope.pth")));
    }

    @Test
    void removeDeletesTheFileAndRequireThenFails() throws IOException {
        ModelStore s = store(entry(sha(content), SIZE, false));
        s.download("test-model", null);
        assertTrue(s.remove("test-model", false));
        assertEquals(ModelStatus.MISSING, s.status("test-model"));
        assertEquals(List.of(), storeFiles(s));
        assertFalse(s.remove("test-model", false));
        RestoraException ex = assertThrows(RestoraException.class, () -> s.require("test-model"));
        assertTrue(ex.getMessage().contains("not in the model store"), ex.getMessage());
    }

    @Test
    void offlineModeFailsFastNamingTheUrlAndThePath() throws IOException {
        ModelStore s = store(entry(sha(content), SIZE, false)).setOffline(null);
        String old = System.getProperty(ModelStore.OFFLINE_PROPERTY);
        System.setProperty(ModelStore.OFFLINE_PROPERTY, "true");
        try {
            RestoraException ex = assertThrows(RestoraException.class, () -> s.download("test-model", null));
            String m = ex.getMessage();
            assertTrue(m.contains("offline"), m);
            assertTrue(m.contains(server.url("test_model.pth")), m);
            assertTrue(m.contains(s.directory().resolve("test_model.pth").toString()), m);
            assertEquals(0, server.requests.get());
        } finally {
            if (old == null) {
                System.clearProperty(ModelStore.OFFLINE_PROPERTY);
            } else {
                System.setProperty(ModelStore.OFFLINE_PROPERTY, old);
            }
        }
        RestoraException missing = assertThrows(RestoraException.class, () -> s.require("test-model"));
        assertTrue(missing.getMessage().contains(server.url("test_model.pth"))
                && missing.getMessage().contains(s.pathOf("test-model").toString()), missing.getMessage());
    }

    @Test
    void noNetworkFailsFastWithTheSameInstructions() throws IOException {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/models/test_model.pth";
        CatalogEntry e = new CatalogEntry("test-model", "test_model.pth", url, SIZE, null, "", false, "");
        ModelStore s = new ModelStore(ModelCatalog.of(e), tmp.resolve("store")).setOffline(false);
        long t0 = System.nanoTime();
        RestoraException ex = assertThrows(RestoraException.class, () -> s.download("test-model", null));
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "fails fast");
        assertTrue(ex.getMessage().contains("no network") && ex.getMessage().contains(url)
                && ex.getMessage().contains(s.pathOf("test-model").toString()), ex.getMessage());
    }

    @Test
    void cancellationLeavesNoFileAtTheFinalLocation() throws Exception {
        server.gateRequests = 1; // the first answer holds back everything after 64 KiB until the test is done
        server.gateAfter = 65_536;
        ModelStore s = store(entry(sha(content), SIZE, false));
        CompletableFuture<Path> run = CompletableFuture.supplyAsync(() -> s.download("test-model", null));
        assertTrue(server.gateReached.await(30, TimeUnit.SECONDS), "the download started");
        awaitSize(s.directory().resolve(".partial/test_model.pth.part"), 65_536);
        assertTrue(s.isDownloading("test-model"));
        assertTrue(s.cancel("test-model"));
        Exception ex = assertThrows(Exception.class, () -> run.get(30, TimeUnit.SECONDS));
        assertTrue(ex.getCause() instanceof CancelledException, String.valueOf(ex.getCause()));
        assertFalse(Files.exists(s.pathOf("test-model")), "no partial file at the final location");
        assertEquals(ModelStatus.PARTIAL, s.status("test-model"));
        assertFalse(s.isDownloading("test-model"));
        server.gate.countDown();

        // a cancelled token stops before anything is fetched
        CancellationToken token = new CancellationToken();
        token.cancel();
        int before = server.requests.get();
        assertThrows(CancelledException.class, () -> s.download("test-model", null, token));
        assertEquals(before, server.requests.get());

        assertArrayEquals(content, Files.readAllBytes(s.download("test-model", null)), "resumes after a cancel");
        assertTrue(server.rangeHeaders.get(server.rangeHeaders.size() - 1).startsWith("bytes="),
                server.rangeHeaders.toString());
    }

    @Test
    @Timeout(120)
    void aSilentConnectionIsDroppedAndTheDownloadResumed() throws IOException {
        // the first answer goes silent after 100 kB until the test ends: only the idle timeout can finish the file
        server.gateRequests = 1;
        server.gateAfter = 100_000;
        ModelStore s = store(entry(sha(content), SIZE, false)).setIdleTimeout(Duration.ofMillis(400));
        Path p = s.download("test-model", null);
        assertArrayEquals(content, Files.readAllBytes(p));
        assertTrue(server.rangeHeaders.get(1).startsWith("bytes="), server.rangeHeaders.toString());
    }

    @Test
    void cancellingTheTokenUnblocksAStalledRead() throws Exception {
        // the server sends 50 000 bytes, then nothing until the test ends; the default idle timeout (60 s) is far
        // beyond the wait below, so only the cancel can end the blocked read
        server.gateRequests = 1;
        server.gateAfter = 50_000;
        ModelStore s = store(entry(sha(content), SIZE, false));
        CancellationToken token = new CancellationToken();
        CompletableFuture<Path> run = CompletableFuture.supplyAsync(() -> s.download("test-model", null, token));
        assertTrue(server.gateReached.await(30, TimeUnit.SECONDS), "the server went silent");
        Path part = s.directory().resolve(".partial/test_model.pth.part");
        awaitSize(part, 4096 * ((50_000 + 4095) / 4096)); // every byte sent is on disk: the reader waits for more
        token.cancel();
        Exception ex = assertThrows(Exception.class, () -> run.get(30, TimeUnit.SECONDS));
        assertTrue(ex.getCause() instanceof CancelledException, String.valueOf(ex));
        assertFalse(Files.exists(s.pathOf("test-model")));
        assertEquals(1, server.requests.get(), "the cancel ended the read; no retry");
    }

    /** Waits (polling a condition, at most 30 s) until the file holds {@code bytes}. */
    private static void awaitSize(Path file, long bytes) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!Files.isRegularFile(file) || Files.size(file) < bytes) {
            assertTrue(System.nanoTime() < deadline, file + " never reached " + bytes + " bytes");
            Thread.onSpinWait();
            Thread.sleep(5);
        }
    }

    @Test
    void structureHookRefusesAFileWithoutTheExpectedTensors() throws IOException {
        // a real (if tiny) inspector: the "checkpoint" is a text list of name=shape lines
        TensorInspector lines = f -> {
            try {
                java.util.Map<String, List<Long>> out = new java.util.LinkedHashMap<>();
                for (String line : Files.readAllLines(f)) {
                    String[] kv = line.split("=");
                    out.put(kv[0], Stream.of(kv[1].split(",")).map(Long::parseLong).toList());
                }
                return out;
            } catch (IOException | RuntimeException e) {
                throw new RestoraException(f + ": not a tensor list");
            }
        };
        byte[] good = "model.conv.weight=64,3,3,3\nmodel.conv.bias=64\n".getBytes();
        byte[] wrong = "model.conv.weight=32,3,3,3\nother=1\n".getBytes();
        CatalogEntry e = entry(null, -1, false);
        ModelCatalog catalog = new ModelCatalog().add(e, ExpectedStructure.tensors("model.conv.bias")
                .withShape("model.conv.weight", 64, 3, 3, 3));
        ModelStore s = new ModelStore(catalog, tmp.resolve("store")).setTensorInspector(lines).setOffline(false);
        server.content = wrong;
        RestoraException ex = assertThrows(RestoraException.class, () -> s.download("test-model", null));
        assertTrue(ex.getMessage().contains("missing tensors [model.conv.bias]")
                && ex.getMessage().contains("[32, 3, 3, 3], expected [64, 3, 3, 3]"), ex.getMessage());
        assertEquals(List.of(), storeFiles(s));
        server.content = good;
        assertArrayEquals(good, Files.readAllBytes(s.download("test-model", null)));
    }

    @Test
    void honoursTheJavaProxySettings() throws IOException {
        // the catalog points at a host that does not resolve; only the proxy (our loopback server) can serve it
        CatalogEntry e = new CatalogEntry("test-model", "test_model.pth", "http://models.restora.invalid/models/x.pth",
                SIZE, sha(content), "", false, "");
        String[] keys = {"http.proxyHost", "http.proxyPort", "http.nonProxyHosts"};
        String[] old = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            old[i] = System.getProperty(keys[i]);
        }
        System.setProperty("http.proxyHost", "127.0.0.1");
        System.setProperty("http.proxyPort", String.valueOf(server.port()));
        System.setProperty("http.nonProxyHosts", "localhost");
        try {
            ModelStore s = new ModelStore(ModelCatalog.of(e), tmp.resolve("store")).setOffline(false);
            assertArrayEquals(content, Files.readAllBytes(s.download("test-model", null)));
            assertTrue(server.requestUris.get(0).contains("models.restora.invalid"), server.requestUris.toString());
        } finally {
            for (int i = 0; i < keys.length; i++) {
                if (old[i] == null) {
                    System.clearProperty(keys[i]);
                } else {
                    System.setProperty(keys[i], old[i]);
                }
            }
        }
    }

    @Test
    void defaultFolderFollowsThePropertyAndCatalogErrorsAreClear() {
        String old = System.getProperty(ModelStore.DIR_PROPERTY);
        System.setProperty(ModelStore.DIR_PROPERTY, tmp.resolve("custom").toString());
        try {
            assertEquals(tmp.resolve("custom"), ModelStore.defaultDirectory());
            assertEquals(tmp.resolve("custom").toAbsolutePath(), new ModelStore(new ModelCatalog()).directory());
        } finally {
            if (old == null) {
                System.clearProperty(ModelStore.DIR_PROPERTY);
            } else {
                System.setProperty(ModelStore.DIR_PROPERTY, old);
            }
        }
        assertTrue(ModelStore.defaultDirectory().endsWith("models"));
        ModelStore s = new ModelStore(ModelCatalog.of(entry(null, -1, false)), tmp);
        RestoraException ex = assertThrows(RestoraException.class, () -> s.require("nope"));
        assertTrue(ex.getMessage().contains("unknown model file 'nope'") && ex.getMessage().contains("test-model"));
        assertThrows(IllegalArgumentException.class, () -> new ModelCatalog().add(new CatalogEntry("a", "../x.pth",
                "u", 1, null, "", false, ""), null));
    }
}
