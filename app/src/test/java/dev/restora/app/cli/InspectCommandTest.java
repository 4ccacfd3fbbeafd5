package dev.restora.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.restora.core.parity.ParityCases;
import dev.restora.core.parity.ParityFixtures;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {
    @TempDir
    Path dir;

    /** Every checkpoint every parity manifest lists (hidden fixture folders of the same format included). */
    @TestFactory
    Stream<DynamicTest> inspectsTheParityCheckpoints() throws Exception {
        Path root = ParityFixtures.parityRoot();
        List<String> families = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> s = Files.list(root)) {
                s.filter(p -> Files.isRegularFile(p.resolve("manifest.json"))).map(p -> p.getFileName().toString())
                        .sorted().forEach(families::add);
            }
        }
        if (families.isEmpty()) {
            families.add("sgmse"); // family() skips (or fails when required) with a message naming the folder
        }
        List<DynamicTest> tests = new ArrayList<>();
        AtomicInteger inspected = new AtomicInteger();
        for (String family : families) {
            tests.add(DynamicTest.dynamicTest(family, () -> {
                ParityFixtures fx = ParityFixtures.family(family);
                JsonElement cks = fx.manifest().get("checkpoints");
                // a manifest without the field (ESRGAN's: its cases name npm packages) has no checkpoint to inspect
                Assumptions.assumeTrue(cks != null, family + "'s manifest has no checkpoints[]");
                int n = 0;
                for (JsonElement e : cks.getAsJsonArray()) {
                    checkOne(fx, e.getAsJsonObject());
                    n++;
                }
                ParityCases.requireSome(n, family + " checkpoints[] entry to inspect");
                inspected.addAndGet(n);
            }));
        }
        tests.add(DynamicTest.dynamicTest("some checkpoint inspected",
                () -> ParityCases.requireSome(inspected.get(), "checkpoint listed in any manifest")));
        return tests.stream();
    }

    private void checkOne(ParityFixtures fx, JsonObject ck) {
        Path file = fx.file(ck.get("file").getAsString());
        CliRun r = CliRun.run(dir, "inspect", file.toString());
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        String out = r.out();
        long params = number(out, "parameters: (\\d+)");
        long tensors = number(out, "tensors: (\\d+)");
        long expected = 0;
        JsonElement n = ck.get("num_parameters");
        if (n != null && n.isJsonObject()) {
            for (Map.Entry<String, JsonElement> part : n.getAsJsonObject().entrySet()) {
                expected += part.getValue().getAsLong();
            }
        } else if (n != null) {
            expected = n.getAsLong();
        }
        if (ck.has("parameter_order")) {
            // the state dict is exactly the listed parameters: same names, same order, same count
            List<String> names = new ArrayList<>();
            for (JsonElement name : ck.getAsJsonArray("parameter_order")) {
                names.add(name.getAsString());
            }
            assertEquals(names.size(), tensors, file::toString);
            assertEquals(expected, params, file::toString);
            int at = out.indexOf("tensors (name, dtype, shape, bytes):");
            assertTrue(at > 0, out);
            List<String> listed = out.substring(at).lines().skip(1).map(l -> l.trim().split("\\s+")[0]).toList();
            assertEquals(names, listed, file::toString);
        } else {
            // buffers (masks, index tables) are in the state dict besides the trainable parameters
            long min = expected;
            assertTrue(params >= min && tensors > 0, () -> file + ": " + params + " < " + min);
        }
        boolean lightning = ck.has("hyper_parameters");
        if (lightning) {
            assertTrue(out.contains("format: PyTorch zip (Lightning checkpoint)"), out);
            for (Map.Entry<String, JsonElement> hp : ck.getAsJsonObject("hyper_parameters").entrySet()) {
                assertTrue(out.contains("\n  " + hp.getKey() + " = "), () -> "hyper-parameter " + hp.getKey()
                        + " missing in " + file);
            }
        }
        if (ck.has("ema_differs_from_state_dict")) {
            assertTrue(out.contains("EMA weights: present (" + tensors + " tensors)"), out);
        } else if (!lightning) {
            assertTrue(out.contains("EMA weights: none"), out);
        }
    }

    private static long number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), () -> regex + " in\n" + text);
        return Long.parseLong(m.group(1));
    }

    /** A torch.save zip whose pickle calls os.system: refused, with the reason, and nothing runs. */
    @Test
    void refusesAHostileCheckpoint() throws Exception {
        Path marker = dir.resolve("pwned");
        String cmd = "touch " + marker;
        ByteArrayOutputStream pkl = new ByteArrayOutputStream();
        pkl.write(new byte[] {(byte) 0x80, 2});
        pkl.write("cposix\nsystem\n".getBytes(StandardCharsets.US_ASCII));
        byte[] arg = cmd.getBytes(StandardCharsets.US_ASCII);
        pkl.write('X');
        pkl.write(new byte[] {(byte) arg.length, 0, 0, 0});
        pkl.write(arg);
        pkl.write(new byte[] {(byte) 0x85, 'R', '.'}); // TUPLE1, REDUCE, STOP
        Path evil = dir.resolve("evil.pth");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(evil))) {
            zip.putNextEntry(new ZipEntry("evil/data.pkl"));
            zip.write(pkl.toByteArray());
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("evil/version"));
            zip.write("3\n".getBytes(StandardCharsets.US_ASCII));
            zip.closeEntry();
        }
        CliRun r = CliRun.run(dir, "inspect", evil.toString());
        assertEquals(ExitCodes.FAILED, r.code(), r::toString);
        assertTrue(r.err().startsWith("error: ") && r.err().contains("evil.pth"), r::toString);
        assertTrue(r.err().contains("system"), r::toString);
        assertFalse(r.err().contains("\tat "), r::toString);
        assertFalse(Files.exists(marker), "nothing from the file was executed");
    }

    @Test
    void notACheckpointOrMissingFile() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.ckpt"), "just some text");
        CliRun r = CliRun.run(dir, "inspect", text.toString());
        assertEquals(ExitCodes.FAILED, r.code(), r::toString);
        assertTrue(r.err().contains("notes.ckpt"), r::toString);
        CliRun missing = CliRun.run(dir, "inspect", dir.resolve("absent.pth").toString());
        assertEquals(ExitCodes.FAILED, missing.code(), missing::toString);
        assertTrue(missing.err().contains("absent.pth: no such file"), missing::toString);
    }
}
