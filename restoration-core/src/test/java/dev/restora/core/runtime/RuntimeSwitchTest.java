package dev.restora.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.engine.AppDirs;
import dev.restora.core.engine.EngineSetup;
import dev.restora.core.net.HttpTransfer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole install-and-switch path with no GPU and no internet: a loopback server serves the bundled CPU natives in
 * DJL's layout as the stand-in flavor {@code cpu}; after an install from it, fresh JVMs start on the installed folder
 * (the engine reports that path) and compute a conv net byte-identically to the bundled runtime, with no request to the
 * server; a changed, corrupt or crashing runtime is set aside with a notice and the app runs on the bundled one.
 * The natives (~450 MB) are compressed once (gzip level 1) into {@code target/runtime-mirror} and served once per class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RuntimeSwitchTest {
    private DjlLayoutServer server;
    private Path bundled;
    private Path data;
    private Path work;
    private RuntimeStore store;
    private String bundledHash;

    @BeforeAll
    void serveTheBundledNatives() throws Exception {
        EngineSetup.configure();
        Engine.getInstance();
        bundled = Paths.get(RuntimeProbe.libtorchPath()).toAbsolutePath().normalize();
        Path testTmp = Paths.get(System.getProperty("restora.test.tmp", "target/test-tmp")).toAbsolutePath();
        Path mirror = testTmp.getParent().resolve("runtime-mirror");
        Files.createDirectories(mirror);
        work = Files.createTempDirectory(Files.createDirectories(testTmp), "switch-");
        server = new DjlLayoutServer();
        String classifier = RuntimePlatform.current().classifier();
        for (String name : bundledLibraries()) {
            server.add("cpu", classifier, name, gzipOnce(bundled.resolve(name), mirror.resolve(name + ".gz")));
        }
        data = work.resolve("data");
        store = RuntimeStore.open(AppDirs.at(data));
    }

    @AfterAll
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (work != null) {
            RuntimeStore.deleteTree(work);
        }
    }

    /** The libraries the pytorch-native-cpu jar lists ({@code native/lib/pytorch.properties}). */
    private static List<String> bundledLibraries() throws IOException {
        Properties p = new Properties();
        try (InputStream in = RuntimeSwitchTest.class.getClassLoader().getResourceAsStream("native/lib/pytorch.properties")) {
            assertNotNull(in, "the pytorch-native-cpu jar is on the test class path");
            p.load(in);
        }
        return List.of(p.getProperty("libraries").split(","));
    }

    /** gzip level 1, kept across runs while the source is unchanged. */
    private static Path gzipOnce(Path src, Path gz) throws IOException {
        Path stamp = gz.resolveSibling(gz.getFileName() + ".src");
        String key = Files.size(src) + " " + Files.getLastModifiedTime(src).toMillis();
        if (Files.isRegularFile(gz) && Files.isRegularFile(stamp) && Files.readString(stamp).equals(key)) {
            return gz;
        }
        Path tmp = gz.resolveSibling(gz.getFileName() + ".tmp");
        try (InputStream in = Files.newInputStream(src);
             OutputStream out = new GZIPOutputStream(Files.newOutputStream(tmp), 1 << 16) {
                 {
                     def.setLevel(Deflater.BEST_SPEED);
                 }
             }) {
            in.transferTo(out);
        }
        Files.move(tmp, gz, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(stamp, key);
        return gz;
    }

    /** Runs {@link RuntimeSwitchChild} in a fresh JVM on a data folder; returns its KEY=value lines. */
    private Map<String, List<String>> child(Path dataDir, String... args) throws Exception {
        return child(dataDir, List.of(), args);
    }

    private Map<String, List<String>> child(Path dataDir, List<String> jvm, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Xmx512m",
                "-D" + AppDirs.HOME_PROPERTY + "=" + dataDir,
                "-D" + EngineSetup.CACHE_DIR + "=" + System.getProperty(EngineSetup.CACHE_DIR),
                "-D" + EngineSetup.JNA_TMP + "=" + System.getProperty(EngineSetup.JNA_TMP),
                "-Dai.djl.pytorch.num_threads=1"));
        cmd.addAll(jvm);
        cmd.add(RuntimeSwitchChild.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("PYTORCH_"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), out);
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (String line : out.split("\\R")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).matches("[A-Z]+")) {
                values.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
            }
        }
        values.put("EXIT", List.of(Integer.toString(p.exitValue())));
        values.put("OUTPUT", List.of(out));
        return values;
    }

    private static String one(Map<String, List<String>> v, String key) {
        List<String> l = v.get(key);
        assertNotNull(l, key + " missing in: " + v.get("OUTPUT"));
        return l.get(0);
    }

    private NativeRuntime installed() {
        return RuntimeStore.readManifest(store.installFolder("cpu", RuntimePlatform.current())).orElseThrow();
    }

    @Test
    @Order(1)
    void installThenEveryStartRunsOnTheInstalledFolderOfflineAndByteIdentical() throws Exception {
        Map<String, List<String>> plain = child(work.resolve("bundled-data"));
        assertEquals("0", one(plain, "EXIT"), one(plain, "OUTPUT"));
        assertEquals(bundled.toString(), one(plain, "LIBTORCH"));
        bundledHash = one(plain, "HASH");

        RuntimeInstaller installer = new RuntimeInstaller(store, new HttpTransfer().setRetryDelay(Duration.ofMillis(10)),
                RuntimePlatform.current());
        RuntimeInstaller.Plan plan = installer.plan("cpu", RuntimeInstaller.mirror(server.base()),
                new CancellationToken());
        NativeRuntime rt = installer.install(plan, null, new CancellationToken());
        RuntimeProbe.Outcome probe = RuntimeProbe.run(rt, AppDirs.at(data), Duration.ofMinutes(3));
        assertTrue(probe.ok(), probe.output());
        assertEquals(rt.folder().toString(), probe.libtorch());
        store.select(rt);
        int requests = server.count.get();

        for (int start = 0; start < 2; start++) {
            Map<String, List<String>> v = child(data);
            assertEquals("0", one(v, "EXIT"), one(v, "OUTPUT"));
            assertEquals(rt.folder().toString(), one(v, "LIBTORCH"), "the engine loaded the installed folder");
            assertEquals(bundledHash, one(v, "HASH"), "byte-identical to the bundled runtime");
            assertEquals(null, v.get("NOTICE"), String.valueOf(v.get("NOTICE")));
        }
        assertEquals(requests, server.count.get(), "no request after the install: " + server.requests);
        assertEquals(List.of(), RuntimeStore.verify(rt));
    }

    @Test
    @Order(2)
    void aProcessThatDiesWhileLoadingSetsTheRuntimeAsideAtTheNextStart() throws Exception {
        store.select(installed());
        Map<String, List<String>> dead = child(data, "halt");
        assertEquals(installed().folder().toString(), one(dead, "APPLIED"), one(dead, "OUTPUT"));
        Map<String, List<String>> v = child(data);
        assertEquals("0", one(v, "EXIT"), one(v, "OUTPUT"));
        assertEquals(bundled.toString(), one(v, "LIBTORCH"));
        assertTrue(one(v, "NOTICE").contains("stopped Restora while loading"), one(v, "NOTICE"));
        assertEquals(bundledHash, one(v, "HASH"));
        assertTrue(store.selected().isEmpty(), "set aside for the next starts");
        assertTrue(store.failure().orElse("").contains("stopped Restora while loading"));
    }

    @Test
    @Order(3)
    void aLibraryThatFailsToLoadFallsBackToTheBundledRuntimeInTheSameStart() throws Exception {
        NativeRuntime rt = installed();
        Path lib = rt.folder().resolve(RuntimePlatform.current().libraryName("torch_cpu"));
        byte[] header = new byte[64];
        try (RandomAccessFile f = new RandomAccessFile(lib.toFile(), "rw")) {
            f.readFully(header);
            f.seek(0);
            f.write(new byte[64]); // same size, no ELF header: the quick check passes, the load fails
        }
        try {
            store.select(rt);
            Map<String, List<String>> v = child(data);
            assertEquals("0", one(v, "EXIT"), one(v, "OUTPUT"));
            assertTrue(one(v, "NOTICE").contains("failed to load"), one(v, "NOTICE"));
            assertEquals(bundled.toString(), one(v, "LIBTORCH"));
            assertEquals(bundledHash, one(v, "HASH"));
            assertTrue(store.selected().isEmpty());
            assertTrue(RuntimeStore.verify(rt).get(0).contains("SHA-256"), "verify names the damaged file");
        } finally {
            try (RandomAccessFile f = new RandomAccessFile(lib.toFile(), "rw")) {
                f.write(header);
            }
        }
    }

    @Test
    @Order(4)
    void aTruncatedLibraryIsSetAsideBeforeAnythingLoads() throws Exception {
        NativeRuntime rt = installed();
        assertEquals(List.of(), RuntimeStore.quickCheck(rt));
        Path lib = rt.folder().resolve(RuntimePlatform.current().libraryName("torch"));
        byte[] original = Files.readAllBytes(lib);
        Files.write(lib, java.util.Arrays.copyOf(original, original.length / 2));
        try {
            store.select(rt);
            Map<String, List<String>> v = child(data);
            assertEquals("0", one(v, "EXIT"), one(v, "OUTPUT"));
            String notice = one(v, "NOTICE");
            assertTrue(notice.contains("files changed") && notice.contains("libtorch") && notice.contains("bundled CPU"),
                    notice);
            assertEquals(bundled.toString(), one(v, "LIBTORCH"));
            assertEquals(bundledHash, one(v, "HASH"));
        } finally {
            Files.write(lib, original);
        }
    }

    @Test
    @Order(5)
    void aPackageThatLoadsTheBundledLibtorchInPlaceSwitchesTooAndFallsBackToItsFolder() throws Exception {
        // the installers pass the bundled natives as -DPYTORCH_LIBRARY_PATH and name them with restora.libtorch.bundled;
        // a folder of its own (links to the natives), so that a fallback to DJL's class-path copy would show
        Path own = Files.createDirectories(work.resolve("package-native"));
        try (java.util.stream.Stream<Path> files = Files.list(bundled)) {
            for (Path f : files.toList()) {
                Files.createSymbolicLink(own.resolve(f.getFileName()), f);
            }
        }
        List<String> packaged = List.of("-D" + RuntimeActivation.LIBRARY_PATH + "=" + own,
                "-D" + RuntimeActivation.BUNDLED + "=" + own);
        NativeRuntime rt = installed();
        store.select(rt);
        Map<String, List<String>> v = child(data, packaged);
        assertEquals("0", one(v, "EXIT"), one(v, "OUTPUT"));
        assertEquals(rt.folder().toString(), one(v, "LIBTORCH"));
        assertEquals(bundledHash, one(v, "HASH"));

        Path lib = rt.folder().resolve(RuntimePlatform.current().libraryName("torch_cpu"));
        byte[] header = new byte[64];
        try (RandomAccessFile f = new RandomAccessFile(lib.toFile(), "rw")) {
            f.readFully(header);
            f.seek(0);
            f.write(new byte[64]);
        }
        try {
            Map<String, List<String>> failed = child(data, packaged);
            assertEquals("0", one(failed, "EXIT"), one(failed, "OUTPUT"));
            assertTrue(one(failed, "NOTICE").contains("failed to load"), one(failed, "NOTICE"));
            assertEquals(own.toString(), one(failed, "LIBTORCH"), "back to the package's own folder");
            assertEquals(bundledHash, one(failed, "HASH"));
        } finally {
            try (RandomAccessFile f = new RandomAccessFile(lib.toFile(), "rw")) {
                f.write(header);
            }
        }
        // a -DPYTORCH_LIBRARY_PATH of the user's own (not the bundled one) is left alone
        store.select(rt);
        Map<String, List<String>> mine = child(data, List.of("-D" + RuntimeActivation.LIBRARY_PATH + "=" + own));
        assertEquals(own.toString(), one(mine, "LIBTORCH"));
    }
}
