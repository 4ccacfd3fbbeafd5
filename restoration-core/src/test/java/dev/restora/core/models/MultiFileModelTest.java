package dev.restora.core.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.core.RestoraException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A multi-file catalog entry (a TF.js model.json and two shards) downloaded from a real HTTP server on loopback:
 * installed as one folder only when every file matched its pinned hash, per-file resume after a dropped connection,
 * files completed before a failure not fetched again, a changed file refused by name, offline and import.
 */
class MultiFileModelTest {
    @TempDir
    Path tmp;
    private TestModelServer server;
    private final Map<String, byte[]> files = new LinkedHashMap<>();

    @BeforeEach
    void start() throws IOException {
        Random r = new Random(11);
        for (String name : List.of("model.json", "group1-shard1of2.bin", "group1-shard2of2.bin")) {
            byte[] b = new byte[name.equals("model.json") ? 90_000 : 200_000];
            r.nextBytes(b);
            files.put(name, b);
        }
        server = new TestModelServer(new byte[0]);
        server.byName = Map.copyOf(files);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private List<ModelFile> modelFiles() throws IOException {
        List<ModelFile> out = new ArrayList<>();
        for (var f : files.entrySet()) {
            Path p = tmp.resolve("hash-" + f.getKey());
            Files.write(p, f.getValue());
            out.add(new ModelFile(f.getKey(), server.url(f.getKey()), f.getValue().length, ModelStore.sha256(p)));
        }
        return out;
    }

    private ModelStore store() throws IOException {
        long total = files.values().stream().mapToLong(b -> b.length).sum();
        ModelCatalog c = new ModelCatalog().add(new CatalogEntry("tiny-x4", "tiny-x4", server.url(""), total, null,
                "MIT", false, "a three-file model"), null).addFiles("tiny-x4", modelFiles());
        return new ModelStore(c, tmp.resolve("store")).setRetryDelay(Duration.ofMillis(10)).setOffline(false);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void downloadsVerifiesAndInstallsAllFilesAsOneFolder() throws IOException {
        ModelStore s = store();
        assertEquals(ModelStatus.MISSING, s.status("tiny-x4"));
        RestoraException missing = assertThrows(RestoraException.class, () -> s.require("tiny-x4"));
        assertTrue(missing.getMessage().contains("restora models download tiny-x4")
                && missing.getMessage().contains(server.url("group1-shard2of2.bin")), missing.getMessage());
        List<DownloadProgress> events = Collections.synchronizedList(new ArrayList<>());
        Path dir = s.download("tiny-x4", events::add);
        assertEquals(s.directory().resolve("tiny-x4"), dir);
        assertEquals(List.of("group1-shard1of2.bin", "group1-shard2of2.bin", "model.json"), names(dir));
        for (var f : files.entrySet()) {
            assertArrayEquals(f.getValue(), Files.readAllBytes(dir.resolve(f.getKey())));
        }
        assertEquals(ModelStatus.VERIFIED, s.status("tiny-x4"));
        assertEquals(dir, s.require("tiny-x4"));
        DownloadProgress last = events.get(events.size() - 1);
        assertEquals("tiny-x4", last.entryId());
        assertEquals(490_000, last.bytes());
        assertEquals(490_000, last.total());
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i).bytes() >= events.get(i - 1).bytes(), "progress never goes back");
        }
        // nothing staged is left behind
        assertFalse(Files.exists(s.directory().resolve(ModelStore.PARTIAL_DIR).resolve("tiny-x4.files")));
        ModelInfo info = s.list().get(0);
        assertEquals(490_000, info.localBytes());
        assertEquals(ModelStatus.VERIFIED, info.status());
    }

    @Test
    void aBadFileInstallsNothingAndTheRetryFetchesOnlyWhatIsMissing() throws IOException {
        ModelStore s = store();
        byte[] good = files.get("group1-shard2of2.bin");
        byte[] bad = good.clone();
        bad[1234] ^= 1;
        Map<String, byte[]> served = new LinkedHashMap<>(files);
        served.put("group1-shard2of2.bin", bad);
        server.byName = served;
        RestoraException e = assertThrows(RestoraException.class, () -> s.download("tiny-x4", null));
        assertTrue(e.getMessage().contains("group1-shard2of2.bin") && e.getMessage().contains("SHA-256"),
                e.getMessage());
        assertFalse(Files.exists(s.directory().resolve("tiny-x4")), "no partial model is installed");
        assertEquals(ModelStatus.PARTIAL, s.status("tiny-x4"));

        server.byName = Map.copyOf(files);
        server.requestUris.clear();
        s.download("tiny-x4", null);
        assertEquals(List.of("/models/group1-shard2of2.bin"), server.requestUris,
                "the files completed before are kept, only the bad one is fetched again");
        assertEquals(ModelStatus.VERIFIED, s.status("tiny-x4"));
    }

    @Test
    void aDroppedConnectionResumesTheFileWithARange() throws IOException {
        ModelStore s = store();
        server.dropRequests = 1;
        server.dropAfter = 40_000;
        Path dir = s.download("tiny-x4", null);
        assertArrayEquals(files.get("model.json"), Files.readAllBytes(dir.resolve("model.json")));
        assertTrue(server.rangeHeaders.stream().anyMatch(h -> h.startsWith("bytes=")), server.rangeHeaders.toString());
    }

    @Test
    void aChangedFileIsRefusedByName() throws IOException {
        ModelStore s = store();
        Path dir = s.download("tiny-x4", null);
        Path shard = dir.resolve("group1-shard1of2.bin");
        byte[] b = Files.readAllBytes(shard);
        b[7] ^= 1;
        Files.write(shard, b);
        assertEquals(ModelStatus.PRESENT, s.status("tiny-x4"));
        RestoraException e = assertThrows(RestoraException.class, () -> s.require("tiny-x4"));
        assertTrue(e.getMessage().contains(shard.toString()) && e.getMessage().contains("SHA-256"), e.getMessage());
        Files.delete(shard);
        e = assertThrows(RestoraException.class, () -> s.verify("tiny-x4"));
        assertTrue(e.getMessage().contains(shard.toString()) && e.getMessage().contains("missing"), e.getMessage());
        assertTrue(s.remove("tiny-x4", false));
        assertEquals(ModelStatus.MISSING, s.status("tiny-x4"));
    }

    @Test
    void offlineNamesEveryFileAndImportInstallsAFolder() throws IOException {
        ModelStore s = store().setOffline(true);
        RestoraException e = assertThrows(RestoraException.class, () -> s.download("tiny-x4", null));
        assertTrue(e.getMessage().contains(server.url("model.json"))
                && e.getMessage().contains("restora models import tiny-x4"), e.getMessage());
        Path src = Files.createDirectory(tmp.resolve("npm-x4"));
        for (var f : files.entrySet()) {
            Files.write(src.resolve(f.getKey()), f.getValue());
        }
        Path dir = s.importFile("tiny-x4", src);
        assertEquals(ModelStatus.VERIFIED, s.status("tiny-x4"));
        assertEquals(List.of("group1-shard1of2.bin", "group1-shard2of2.bin", "model.json"), names(dir));
        assertEquals(0, server.requests.get());
    }
}
