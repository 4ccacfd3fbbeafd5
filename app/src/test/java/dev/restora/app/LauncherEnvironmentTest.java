package dev.restora.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.core.engine.NativeAllocator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The launchers' environment for the engine, run for real against a stand-in Java (or jpackage launcher) that prints
 * it, with {@code uname} and {@code getconf} faked on the PATH: on macOS {@code PYTORCH_ENABLE_MPS_FALLBACK=1} (a
 * user's value kept), elsewhere not set; telemetry off everywhere; on Linux jemalloc preloaded where installed, else
 * with glibc and at least 15 GiB of RAM {@link NativeAllocator#HEAP_TUNABLES} in {@code GLIBC_TUNABLES}, unless the
 * user chose otherwise. The checkout's {@code restora} and the installers' {@code lib/app/restora.sh} (under the
 * studio's name too) alike.
 */
@DisabledOnOs(OS.WINDOWS)
class LauncherEnvironmentTest {
    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    @Test
    void macOsGetsTheMpsFallbackOthersDoNot() throws Exception {
        Path launcher = fakeCheckout();
        Map<String, String> mac = run(launcher, "Darwin", 16 * GIB, Map.of());
        assertEquals("1", mac.get("PYTORCH_ENABLE_MPS_FALLBACK"), mac.toString());
        assertEquals("true", mac.get("OPT_OUT_TRACKING"));
        assertEquals("0", run(launcher, "Darwin", 16 * GIB, Map.of("PYTORCH_ENABLE_MPS_FALLBACK", "0"))
                .get("PYTORCH_ENABLE_MPS_FALLBACK"), "the user's value is kept");
        Map<String, String> linux = run(launcher, "Linux", 16 * GIB, Map.of());
        assertEquals("", linux.get("PYTORCH_ENABLE_MPS_FALLBACK"), linux.toString());
        assertEquals("true", linux.get("OPT_OUT_TRACKING"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"restora", "restora.sh", "restora-studio.sh"})
    void heapAllocatorOnLinuxWithGlibcAndEnoughMemory(String script) throws Exception {
        Path launcher = script.equals("restora") ? fakeCheckout() : fakeAppImage(script);
        assertEquals(NativeAllocator.HEAP_TUNABLES, tunables(launcher, "Linux", 16 * GIB, Map.of()), "16 GiB");
        assertEquals(NativeAllocator.HEAP_TUNABLES, tunables(launcher, "Linux", 15 * GIB, Map.of()), "15 GiB");
        assertEquals("", tunables(launcher, "Linux", 8 * GIB, Map.of()), "8 GiB: glibc's defaults");
        assertEquals(NativeAllocator.HEAP_TUNABLES, tunables(launcher, "Linux", 8 * GIB,
                Map.of("RESTORA_MALLOC", "heap")), "forced");
        assertEquals("", tunables(launcher, "Linux", 64 * GIB, Map.of("RESTORA_MALLOC", "system")), "declined");
        assertEquals("glibc.malloc.mmap_max=3", tunables(launcher, "Linux", 64 * GIB,
                Map.of("GLIBC_TUNABLES", "glibc.malloc.mmap_max=3")), "the user's malloc settings win");
        assertEquals("glibc.rtld.optional_static_tls=1:" + NativeAllocator.HEAP_TUNABLES, tunables(launcher, "Linux",
                64 * GIB, Map.of("GLIBC_TUNABLES", "glibc.rtld.optional_static_tls=1")), "other tunables are kept");
        assertEquals("", tunables(launcher, "Darwin", 64 * GIB, Map.of()), "not glibc");
        assertEquals("", tunables(launcher, "Linux-musl", 64 * GIB, Map.of()), "a libc without GNU_LIBC_VERSION");
    }

    @ParameterizedTest
    @ValueSource(strings = {"restora", "restora.sh", "restora-studio.sh"})
    void jemallocPreloadedWhereInstalledWhateverTheMemory(String script) throws Exception {
        Path launcher = script.equals("restora") ? fakeCheckout() : fakeAppImage(script);
        String lib = Files.writeString(dir.resolve("libjemalloc.so.2"), "").toString();
        Map<String, String> je = Map.of("RESTORA_JEMALLOC", lib);
        for (long ram : new long[] {8 * GIB, 64 * GIB}) {
            Map<String, String> env = run(launcher, "Linux", ram, je);
            assertEquals(lib, env.get("LD_PRELOAD"), env.toString());
            assertEquals(NativeAllocator.JEMALLOC_CONF, env.get("MALLOC_CONF"), env.toString());
            assertEquals("", env.get("GLIBC_TUNABLES"), "glibc's tunables are not needed then: " + env);
        }
        Map<String, String> withUsers = run(launcher, "Linux", 16 * GIB, Map.of("RESTORA_JEMALLOC", lib,
                "MALLOC_CONF", "narenas:2", "LD_PRELOAD", "/opt/x/libfoo.so"));
        assertEquals(lib + ":/opt/x/libfoo.so", withUsers.get("LD_PRELOAD"), "the user's preloads are kept");
        assertEquals(NativeAllocator.JEMALLOC_CONF + ",narenas:2", withUsers.get("MALLOC_CONF"),
                "the user's jemalloc options come last, so they win");
        Map<String, String> tcmalloc = run(launcher, "Linux", 16 * GIB, Map.of("RESTORA_JEMALLOC", lib,
                "LD_PRELOAD", "/usr/lib/libtcmalloc.so.4"));
        assertEquals("/usr/lib/libtcmalloc.so.4", tcmalloc.get("LD_PRELOAD"), "the user's allocator wins");
        assertEquals("", tcmalloc.get("GLIBC_TUNABLES"), tcmalloc.toString());
        Map<String, String> heap = run(launcher, "Linux", 8 * GIB, Map.of("RESTORA_JEMALLOC", lib,
                "RESTORA_MALLOC", "heap"));
        assertEquals("", heap.get("LD_PRELOAD"), heap.toString());
        assertEquals(NativeAllocator.HEAP_TUNABLES, heap.get("GLIBC_TUNABLES"), "glibc's one heap, forced");
        Map<String, String> system = run(launcher, "Linux", 64 * GIB, Map.of("RESTORA_JEMALLOC", lib,
                "RESTORA_MALLOC", "system"));
        assertEquals("", system.get("LD_PRELOAD") + system.get("GLIBC_TUNABLES"), "declined: " + system);
        assertEquals("", run(launcher, "Darwin", 64 * GIB, je).get("LD_PRELOAD"), "Linux only");
        Map<String, String> missing = run(launcher, "Linux", 16 * GIB, Map.of("RESTORA_MALLOC", "jemalloc"));
        assertEquals("", missing.get("LD_PRELOAD"), missing.toString());
        assertTrue(missing.get("output").contains("no libjemalloc.so.2 was found"), "asked for and missing: said");
        assertEquals(NativeAllocator.HEAP_TUNABLES, missing.get("GLIBC_TUNABLES"), "then glibc's rule applies");
    }

    /** The launcher with a built app (jar and stamp) and no sources: it runs without building. */
    private Path fakeCheckout() throws IOException {
        Path root = Files.createDirectories(dir.resolve("checkout"));
        Path script = root.resolve("restora");
        Files.copy(Path.of("..", "restora"), script);
        script.toFile().setExecutable(true);
        Path lib = Files.createDirectories(root.resolve("app/target/lib"));
        Files.writeString(root.resolve("app/target/restora-app-0.jar"), "");
        Path stamp = Files.writeString(lib.resolve(".restora-build"), "");
        Files.setLastModifiedTime(script, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        Files.setLastModifiedTime(stamp, FileTime.fromMillis(System.currentTimeMillis()));
        printEnvironment(Files.createDirectories(dir.resolve("jdk/bin")).resolve("java"));
        return script;
    }

    /** An app-image's {@code lib/app/<script>} with a stand-in {@code bin/<launcher>} of the script's name. */
    private Path fakeAppImage(String script) throws IOException {
        Path image = dir.resolve("image");
        Path path = Files.createDirectories(image.resolve("lib/app")).resolve(script);
        Files.copy(Path.of("..", "installers", "linux", "restora.sh"), path);
        path.toFile().setExecutable(true);
        printEnvironment(Files.createDirectories(image.resolve("bin")).resolve(script.replace(".sh", "")));
        return path;
    }

    private static void printEnvironment(Path program) throws IOException {
        Files.writeString(program, "#!/bin/sh\necho \"PYTORCH_ENABLE_MPS_FALLBACK=${PYTORCH_ENABLE_MPS_FALLBACK:-}\"\n"
                + "echo \"OPT_OUT_TRACKING=${OPT_OUT_TRACKING:-}\"\necho \"GLIBC_TUNABLES=${GLIBC_TUNABLES:-}\"\n"
                + "echo \"LD_PRELOAD=${LD_PRELOAD:-}\"\necho \"MALLOC_CONF=${MALLOC_CONF:-}\"\n");
        program.toFile().setExecutable(true);
    }

    private String tunables(Path launcher, String os, long ram, Map<String, String> userEnv) throws Exception {
        return run(launcher, os, ram, userEnv).get("GLIBC_TUNABLES");
    }

    /**
     * Runs the launcher with {@code uname -s} printing {@code os} ("Linux-musl": Linux whose getconf knows no glibc)
     * and getconf reporting {@code ram} bytes; returns the variables the stand-in printed.
     */
    private Map<String, String> run(Path launcher, String os, long ram, Map<String, String> userEnv) throws Exception {
        Path fakeBin = Files.createDirectories(dir.resolve("fake-" + os + "-" + ram));
        boolean glibc = os.equals("Linux");
        Path uname = fakeBin.resolve("uname");
        Files.writeString(uname, "#!/bin/sh\necho " + (os.startsWith("Linux") ? "Linux" : os) + "\n");
        uname.toFile().setExecutable(true);
        Path getconf = fakeBin.resolve("getconf");
        Files.writeString(getconf, "#!/bin/sh\ncase \"$1\" in\n"
                + "  GNU_LIBC_VERSION) " + (glibc ? "echo 'glibc 2.36'" : "echo unknown >&2; exit 1") + " ;;\n"
                + "  _PHYS_PAGES) echo " + ram / 4096 + " ;;\n"
                + "  PAGESIZE) echo 4096 ;;\n"
                + "  *) exit 1 ;;\nesac\n");
        getconf.toFile().setExecutable(true);
        String shell = launcher.getFileName().toString().endsWith(".sh") ? "sh" : "bash";
        ProcessBuilder pb = new ProcessBuilder(List.of(shell, launcher.toString(), "--version"))
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        for (String name : List.of("PYTORCH_ENABLE_MPS_FALLBACK", "OPT_OUT_TRACKING", "GLIBC_TUNABLES",
                "RESTORA_MALLOC", "RESTORA_JEMALLOC", "LD_PRELOAD", "MALLOC_CONF")) {
            env.remove(name);
        }
        // jemalloc only where a test puts it: whether this machine has it installed must not matter
        env.put("RESTORA_JEMALLOC", dir.resolve("no-jemalloc-here.so").toString());
        env.putAll(userEnv);
        env.put("JAVA_HOME", dir.resolve("jdk").toString());
        env.put("RESTORA_HOME", dir.resolve("data").toString());
        env.put("PATH", fakeBin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        Map<String, String> vars = new TreeMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                vars.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        assertTrue(vars.containsKey("GLIBC_TUNABLES"), out);
        vars.put("output", out);
        return vars;
    }
}
