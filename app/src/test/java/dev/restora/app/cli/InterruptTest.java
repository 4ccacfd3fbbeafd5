package dev.restora.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.app.cli.fixtures.TestUpscaleProvider;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The real entry point in a child JVM, stopped by a signal mid-run: exit code 4 and no output file. */
@DisabledOnOs(OS.WINDOWS)
class InterruptTest {
    @TempDir
    Path dir;

    @Test
    void aSignalCancelsTheJobCleanlyWithExitCode4() throws Exception {
        Path in = TestMedia.image(dir.resolve("slow.png"), 16, 16, false, "png");
        Path out = dir.resolve("out");
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Xmx512m",
                "-DDJL_CACHE_DIR=" + System.getProperty("DJL_CACHE_DIR"),
                "-Djna.tmpdir=" + System.getProperty("jna.tmpdir"),
                "-Drestora.home=" + dir.resolve("home"),
                "-cp", System.getProperty("java.class.path"), "dev.restora.app.Main",
                "restore", in.toString(), "--pipeline", TestUpscaleProvider.ID, "--steps", "500",
                "--param", "delay_ms=100", "--out", out.toString(), "--models-dir", dir.resolve("m").toString(),
                "--plugins-dir", dir.resolve("p").toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("ONEDNN_MAX_CPU_ISA", "AVX512_CORE_FP16");
        Process p = pb.start();
        StringBuilder seen = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                seen.append(line).append('\n');
                if (line.contains("step 1/500")) {
                    // what Ctrl-C sends
                    new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start().waitFor();
                }
            }
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child ends");
        assertEquals(ExitCodes.CANCELLED, p.exitValue(), seen::toString);
        assertTrue(seen.toString().contains(in + ": cancelled"), seen::toString);
        if (Files.exists(out)) {
            try (Stream<Path> s = Files.list(out)) {
                assertEquals(List.of(), s.toList(), "no output or temporary file");
            }
        }
    }
}
