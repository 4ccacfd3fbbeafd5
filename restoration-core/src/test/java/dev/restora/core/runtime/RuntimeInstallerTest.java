package dev.restora.core.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.CancelledException;
import dev.restora.core.engine.AppDirs;
import dev.restora.core.net.HttpTransfer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installer against a loopback server with DJL's layout, on small stand-in library files (nothing is loaded
 * here; {@link RuntimeSwitchTest} installs and runs the real CPU natives).
 */
class RuntimeInstallerTest {
    private static final RuntimePlatform LINUX = new RuntimePlatform("Linux", "amd64");

    @TempDir
    Path tmp;
    private DjlLayoutServer server;
    private final Map<String, byte[]> libs = new LinkedHashMap<>();
    private RuntimeStore store;

    @BeforeEach
    void start() throws IOException {
        server = new DjlLayoutServer();
        Random r = new Random(11);
        for (String name : List.of("libc10.so", "libgomp-98b21ff3.so.1", "libtorch.so", "libtorch_cpu.so")) {
            byte[] b = new byte[name.equals("libtorch_cpu.so") ? 600_000 : 40_000];
            r.nextBytes(b);
            libs.put(name, b);
            Path gz = tmp.resolve("mirror").resolve(name + ".gz");
            Files.createDirectories(gz.getParent());
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
                out.write(b);
            }
            server.add("cpu", "linux-x86_64", name, gz);
        }
        store = RuntimeStore.open(AppDirs.at(tmp.resolve("data")));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RuntimeInstaller installer() {
        return new RuntimeInstaller(store, new HttpTransfer().setRetryDelay(Duration.ofMillis(10)), LINUX);
    }

    private RuntimeInstaller.Plan plan() {
        return installer().plan("cpu", RuntimeInstaller.mirror(server.base() + "/"), new CancellationToken());
    }

    private void assertInstalledExactly(NativeRuntime rt) throws IOException {
        assertEquals(store.installFolder("cpu", LINUX), rt.folder());
        for (Map.Entry<String, byte[]> e : libs.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(rt.folder().resolve(e.getKey())), e.getKey());
        }
        assertEquals(libs.keySet(), rt.files().keySet());
        assertEquals(List.of(), RuntimeStore.verify(rt));
        assertEquals(rt, RuntimeStore.readManifest(rt.folder()).orElseThrow(), "the manifest is in the folder");
        assertEquals(List.of(), leftovers(), "no downloads or staging left");
    }

    private List<Path> leftovers() throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path d : List.of(store.root())) {
            if (Files.isDirectory(d)) {
                try (Stream<Path> w = Files.walk(d)) {
                    w.filter(Files::isRegularFile).filter(p -> p.toString().contains(".part")
                            || p.toString().contains(RuntimeStore.STAGING_PREFIX)).forEach(out::add);
                }
            }
        }
        return out;
    }

    @Test
    void plansFromTheListThenInstallsWithHashesAndVerifyCatchesAChangedFile() throws IOException {
        RuntimeInstaller.Plan plan = plan();
        assertEquals(List.of("libc10.so", "libgomp-98b21ff3.so.1", "libtorch.so", "libtorch_cpu.so"),
                plan.items().stream().map(RuntimeInstaller.Item::fileName).toList(), "only cpu/linux-x86_64 lines");
        long gzBytes = 0;
        for (Path p : server.files.values()) {
            gzBytes += Files.size(p);
        }
        assertEquals(gzBytes, plan.downloadBytes());
        assertTrue(plan.freeBytes() > 0 && plan.fits());
        assertTrue(server.requests.stream().noneMatch(r -> r.startsWith("GET /pytorch/2.7.1/cpu")),
                "the plan fetched nothing large: " + server.requests);

        List<long[]> progress = new ArrayList<>();
        NativeRuntime rt = installer().install(plan, new RuntimeInstaller.Listener() {
            @Override
            public void progress(long bytes, long total, double speed) {
                progress.add(new long[] {bytes, total});
            }
        }, new CancellationToken());
        assertInstalledExactly(rt);
        assertEquals(gzBytes, progress.get(progress.size() - 1)[0]);
        assertEquals("installed", rt.source());
        assertEquals("cpu", rt.flavor());

        Path lib = rt.folder().resolve("libtorch_cpu.so");
        byte[] b = Files.readAllBytes(lib);
        b[1000] ^= 1;
        Files.write(lib, b);
        List<String> problems = RuntimeStore.verify(rt);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("libtorch_cpu.so has SHA-256"), problems.get(0));
        assertEquals(List.of(), RuntimeStore.quickCheck(rt), "same size: only verify sees it");
    }

    @Test
    void aDroppedConnectionIsResumedWithRange() throws IOException {
        server.dropFirstAfter = 100_000;
        NativeRuntime rt = installer().install(plan(), null, new CancellationToken());
        assertInstalledExactly(rt);
        assertTrue(server.requests.stream().anyMatch(r -> r.matches("GET /pytorch/2.7.1/cpu/.*libtorch_cpu.so.gz bytes=\\d+-")),
                server.requests.toString());
    }

    @Test
    void aServerIgnoringRangeIsRestartedFromZero() throws IOException {
        server.dropFirstAfter = 100_000;
        server.ignoreRange = true;
        NativeRuntime rt = installer().install(plan(), null, new CancellationToken());
        assertInstalledExactly(rt);
        assertTrue(server.requests.stream().anyMatch(r -> r.contains("libtorch_cpu.so.gz bytes=")),
                server.requests.toString());
    }

    @Test
    void aWrongSizeIsRefusedAndNothingIsInstalled() throws IOException {
        server.headExtra = 7;
        RestoraException ex = assertThrows(RestoraException.class,
                () -> installer().install(plan(), null, new CancellationToken()));
        assertTrue(ex.getMessage().contains("should be") && ex.getMessage().contains("bytes arrived"), ex.getMessage());
        assertFalse(Files.exists(store.installFolder("cpu", LINUX)));
        assertEquals(List.of(), leftovers());
    }

    @Test
    void aMissingFileIsA404MessageAndNothingIsInstalled() throws IOException {
        RuntimeInstaller.Plan plan = plan();
        server.missing = "cpu/linux-x86_64/native/lib/libtorch.so.gz";
        RestoraException ex = assertThrows(RestoraException.class,
                () -> installer().install(plan, null, new CancellationToken()));
        assertTrue(ex.getMessage().contains("HTTP 404") && ex.getMessage().contains("libtorch.so.gz"), ex.getMessage());
        assertFalse(Files.exists(store.installFolder("cpu", LINUX)));
        RestoraException noFlavor = assertThrows(RestoraException.class, () -> installer().plan("cu128",
                RuntimeInstaller.mirror(server.base()), new CancellationToken()));
        assertTrue(noFlavor.getMessage().contains("no cu128 build"), noFlavor.getMessage());
        RestoraException badMirror = assertThrows(RestoraException.class, () -> installer().plan("cpu",
                RuntimeInstaller.mirror(server.base() + "/nothing-here"), new CancellationToken()));
        assertTrue(badMirror.getMessage().contains("HTTP 404") && badMirror.getMessage().contains("files.txt"),
                badMirror.getMessage());
    }

    @Test
    void aCancelKeepsTheDownloadsAndTheNextInstallResumes() throws Exception {
        RuntimeInstaller.Plan plan = plan();
        server.gateAfter = 200_000; // libtorch_cpu.so.gz holds after 200 kB
        CancellationToken token = new CancellationToken();
        CompletableFuture<NativeRuntime> run = CompletableFuture.supplyAsync(() -> installer().install(plan, null, token));
        assertTrue(server.gateReached.await(30, TimeUnit.SECONDS));
        token.cancel();
        Exception ex = assertThrows(Exception.class, () -> run.get(30, TimeUnit.SECONDS));
        assertTrue(ex.getCause() instanceof CancelledException, String.valueOf(ex));
        assertFalse(Files.exists(store.installFolder("cpu", LINUX)), "nothing installed");
        server.gateAfter = -1;
        server.gate.countDown();
        int before = server.requests.size();
        NativeRuntime rt = installer().install(plan, null, new CancellationToken());
        assertInstalledExactly(rt);
        List<String> after = server.requests.subList(before, server.requests.size());
        assertTrue(after.stream().noneMatch(r -> r.contains("libc10.so.gz")), "finished files are not fetched again: "
                + after);
    }

    @Test
    void aCorruptGzipIsRefused() throws IOException {
        Path bad = tmp.resolve("bad.gz");
        Files.write(bad, new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
        server.files.put("cpu/linux-x86_64/native/lib/libtorch.so.gz", bad);
        RestoraException ex = assertThrows(RestoraException.class,
                () -> installer().install(plan(), null, new CancellationToken()));
        assertTrue(ex.getMessage().contains("not a complete gzip file"), ex.getMessage());
        assertFalse(Files.exists(store.installFolder("cpu", LINUX)));
        List<Path> left = leftovers();
        assertTrue(left.stream().noneMatch(x -> x.toString().contains(RuntimeStore.STAGING_PREFIX)
                || x.getFileName().toString().startsWith("libtorch.so.gz")), "the bad download and the staging "
                + "folder are deleted, the good downloads kept for the next attempt: " + left);
    }

    @Test
    void notEnoughDiskIsSaidBeforeAnythingIsFetched() {
        RuntimeInstaller.Plan p = plan();
        RuntimeInstaller.Plan tooBig = new RuntimeInstaller.Plan(p.flavor(), p.mirror(), p.items(), p.downloadBytes(),
                p.freeBytes() + 1, p.freeBytes(), p.target());
        int before = server.requests.size();
        RestoraException ex = assertThrows(RestoraException.class,
                () -> installer().install(tooBig, null, new CancellationToken()));
        assertTrue(ex.getMessage().contains("not enough free disk space"), ex.getMessage());
        assertEquals(before, server.requests.size());
    }

    @Test
    void aCrashBeforeTheCommitLeavesStagingThatTheNextOpenDeletes() throws Exception {
        // a child JVM installs and halts (no cleanup, like a kill) once the files are unpacked, before the commit
        Path data = tmp.resolve("crash-data");
        List<String> cmd = List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "-Xmx256m", InstallCrashChild.class.getName(), data.toString(),
                server.base());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(InstallCrashChild.HALT_CODE, p.exitValue(), out);
        Path root = data.resolve("runtime");
        List<Path> staging;
        try (Stream<Path> s = Files.list(root)) {
            staging = s.filter(x -> x.getFileName().toString().startsWith(RuntimeStore.STAGING_PREFIX)).toList();
        }
        assertEquals(1, staging.size(), "the crash left its staging folder: " + out);
        assertFalse(Files.exists(root.resolve("pytorch")), "nothing was committed");

        RuntimeStore reopened = RuntimeStore.open(AppDirs.at(data));
        assertFalse(Files.exists(staging.get(0)), "the next start deletes it");
        assertTrue(reopened.selected().isEmpty());
    }

    @Test
    void flavorsAndNamesFollowThePlatform() {
        assertEquals("linux-x86_64", LINUX.classifier());
        assertEquals(List.of("cpu", "cu128"), LINUX.flavors());
        RuntimePlatform win = new RuntimePlatform("Windows 11", "amd64");
        assertEquals("win-x86_64", win.classifier());
        assertEquals("torch_cuda.dll", win.libraryName("torch_cuda"));
        RuntimePlatform mac = new RuntimePlatform("Mac OS X", "aarch64");
        assertEquals(List.of("cpu"), mac.flavors());
        assertEquals("libtorch.dylib", mac.libraryName("torch"));
        assertEquals(URI.create("https://publish.djl.ai/pytorch"), RuntimeInstaller.mirror(null));
        assertThrows(RestoraException.class, () -> RuntimeInstaller.mirror("ftp://x/y"));
    }
}
