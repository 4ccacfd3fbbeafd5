package dev.restora.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code restora} launcher's environment for the engine, run for real against a stand-in Java that prints it:
 * on macOS ({@code uname -s} = Darwin, faked on the PATH) {@code PYTORCH_ENABLE_MPS_FALLBACK=1} (a user's value kept),
 * elsewhere not set; telemetry off everywhere.
 */
@DisabledOnOs(OS.WINDOWS)
class LauncherEnvironmentTest {
    @TempDir
    Path dir;

    @Test
    void macOsGetsTheMpsFallbackOthersDoNot() throws Exception {
        Path root = fakeCheckout();
        Map<String, String> mac = run(root, "Darwin", null);
        assertEquals("1", mac.get("PYTORCH_ENABLE_MPS_FALLBACK"), mac.toString());
        assertEquals("true", mac.get("OPT_OUT_TRACKING"));
        assertEquals("0", run(root, "Darwin", "0").get("PYTORCH_ENABLE_MPS_FALLBACK"), "the user's value is kept");
        Map<String, String> linux = run(root, "Linux", null);
        assertEquals("", linux.get("PYTORCH_ENABLE_MPS_FALLBACK"), linux.toString());
        assertEquals("true", linux.get("OPT_OUT_TRACKING"));
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
        Path bin = Files.createDirectories(dir.resolve("jdk/bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"PYTORCH_ENABLE_MPS_FALLBACK=${PYTORCH_ENABLE_MPS_FALLBACK:-}\"\n"
                + "echo \"OPT_OUT_TRACKING=${OPT_OUT_TRACKING:-}\"\n");
        java.toFile().setExecutable(true);
        return root;
    }

    private Map<String, String> run(Path root, String os, String userValue) throws Exception {
        Path fakeBin = Files.createDirectories(dir.resolve("uname-" + os));
        Path uname = fakeBin.resolve("uname");
        Files.writeString(uname, "#!/bin/sh\necho " + os + "\n");
        uname.toFile().setExecutable(true);
        List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("restora").toString(), "--version"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.remove("PYTORCH_ENABLE_MPS_FALLBACK");
        env.remove("OPT_OUT_TRACKING");
        if (userValue != null) {
            env.put("PYTORCH_ENABLE_MPS_FALLBACK", userValue);
        }
        env.put("JAVA_HOME", dir.resolve("jdk").toString());
        env.put("RESTORA_HOME", dir.resolve("data").toString());
        env.put("PATH", fakeBin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        Map<String, String> vars = new java.util.TreeMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                vars.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        assertTrue(vars.containsKey("PYTORCH_ENABLE_MPS_FALLBACK"), out);
        return vars;
    }
}
