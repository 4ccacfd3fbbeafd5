package dev.restora.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine starts and computes with no network: a child JVM (same class path) runs {@link OfflineChild} in a
 * network namespace without interfaces ({@code unshare --net}, root on CI), with a temporary HOME that must stay
 * empty. Where unshare is not permitted the child runs with every proxy pointed at a closed local port instead.
 */
class EngineOfflineTest {

    @Test
    void engineStartsAndComputesWithoutNetworkAndWritesNothingUnderHome() throws Exception {
        runChild(canUnshare(), false);
    }

    /**
     * The fallback used where unshare is not permitted, run here too so that it is known to work: proxies pointed at
     * a closed port, and the libtorch folder given through the environment instead of a system property.
     */
    @Test
    void fallbackWithBlackholedProxiesAlsoComputes() throws Exception {
        runChild(false, true);
    }

    private void runChild(boolean unshare, boolean libraryPathInEnvironment) throws Exception {
        EngineSetup.configure();
        Engine.getInstance(); // the parent's natives: the child reuses them through PYTORCH_LIBRARY_PATH
        Path libtorch = Paths.get(ai.djl.pytorch.jni.LibUtils.getLibtorchPath());

        Path root = Files.createDirectories(Paths.get(System.getProperty("restora.test.tmp", "target/test-tmp")));
        Path tmp = Files.createTempDirectory(root.toAbsolutePath(), "offline-");
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path data = tmp.resolve("data");

        List<String> cmd = new ArrayList<>();
        if (unshare) {
            cmd.add("unshare");
            cmd.add("--net");
            cmd.add("--");
        }
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("-Xmx512m");
        cmd.add("-Duser.home=" + home);
        cmd.add("-D" + AppDirs.HOME_PROPERTY + "=" + data);
        if (!libraryPathInEnvironment) {
            cmd.add("-D" + EngineSetup.LIBRARY_PATH + "=" + libtorch);
        }
        cmd.add("-Djava.io.tmpdir=" + Files.createDirectories(tmp.resolve("javatmp")));
        if (!unshare) {
            for (String proto : new String[] {"http", "https", "socks"}) {
                String host = proto.equals("socks") ? "socksProxyHost" : proto + ".proxyHost";
                String port = proto.equals("socks") ? "socksProxyPort" : proto + ".proxyPort";
                cmd.add("-D" + host + "=127.0.0.1");
                cmd.add("-D" + port + "=9");
            }
            cmd.add("-Djava.net.preferIPv4Stack=true");
        }
        cmd.add(OfflineChild.class.getName());

        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("HOME", home.toString());
        env.remove("DJL_OFFLINE"); // EngineSetup must turn offline mode on by itself
        env.remove("DJL_CACHE_DIR");
        env.remove("XDG_DATA_HOME");
        env.remove(EngineSetup.LIBRARY_PATH);
        if (libraryPathInEnvironment) {
            env.put(EngineSetup.LIBRARY_PATH, libtorch.toString());
        }
        Process p = pb.start();
        String out;
        try (var in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child ends");
        System.out.println("child (" + (unshare ? "unshare --net" : "blackholed proxies") + "):\n" + out);
        assertEquals(0, p.exitValue(), "child exit code; output:\n" + out);

        Map<String, String> kv = new LinkedHashMap<>();
        for (String line : out.split("\\R")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).matches("[A-Z]+")) {
                kv.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        // sum of (A A^T) for A = [[1,2,3],[4,5,6],[7,8,9]] = |sum of columns|^2 = 12^2 + 15^2 + 18^2
        assertEquals("693.0", kv.get("RESULT"), out);
        assertTrue(kv.getOrDefault("ENGINE", "").startsWith("PyTorch"), out);
        assertEquals("true", kv.get("OFFLINE"));
        assertEquals(libtorch.toAbsolutePath().toString(), kv.get("LIBTORCH"), "PYTORCH_LIBRARY_PATH honoured");
        assertEquals(data.resolve("djl-cache").toString(), kv.get("CACHE"));
        assertEquals(data.resolve("tmp").resolve("jna").toString(), kv.get("JNA"));
        if (unshare) {
            assertTrue(kv.getOrDefault("NETWORK", "").startsWith("unreachable"), "the namespace has no network");
        }
        try (Stream<Path> files = Files.walk(home)) {
            List<Path> made = files.filter(f -> !f.equals(home)).toList();
            assertTrue(made.isEmpty(), "the child wrote under HOME: " + made);
        }
        assertTrue(Files.isDirectory(data.resolve("djl-cache")), "the cache folder is under the data folder");
    }

    /** Whether {@code unshare --net} works here (root, or unprivileged user namespaces). */
    private static boolean canUnshare() {
        try {
            Process p = new ProcessBuilder("unshare", "--net", "--", "true").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
