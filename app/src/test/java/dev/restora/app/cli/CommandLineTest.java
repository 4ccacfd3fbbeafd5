package dev.restora.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.restora.app.cli.fixtures.TestSpeechProvider;
import dev.restora.app.cli.fixtures.TestUpscaleProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineTest {
    @TempDir
    Path dir;

    @Test
    void helpListsCommandsAndExitCodes() {
        CliRun r = CliRun.run(dir, "--help");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        for (String s : new String[] {"restore", "pipelines", "inspect", "bench", "Exit codes:", "weight file is missing", "Cancelled"}) {
            assertTrue(r.out().contains(s), () -> s + " missing in\n" + r.out());
        }
        CliRun sub = CliRun.run(dir, "restore", "--help");
        assertEquals(ExitCodes.OK, sub.code());
        assertTrue(sub.out().contains("--pipeline") && sub.out().contains("Exit codes:"), sub::toString);
        assertTrue(sub.out().replaceAll("\\s+", " ").contains("--param preset=fast-preview is an APPROXIMATE quick "
                + "listen"), sub::toString);
        CliRun bench = CliRun.run(dir, "bench", "--help");
        assertTrue(bench.out().contains("--presets") && bench.out().contains("--clean"), bench::toString);
    }

    @Test
    void benchPresetsNeedsAPipelineWithPresetsAndItsOptionsGoWithIt() {
        CliRun none = CliRun.run(dir, "bench", TestUpscaleProvider.ID, "--presets");
        assertEquals(ExitCodes.USAGE, none.code(), none::toString);
        assertTrue(none.err().contains("has no presets to measure"), none::toString);
        CliRun alone = CliRun.run(dir, "bench", TestUpscaleProvider.ID, "--only", "pc_n10_no_corrector");
        assertEquals(ExitCodes.USAGE, alone.code(), alone::toString);
        assertTrue(alone.err().contains("go with --presets"), alone::toString);
        CliRun missing = CliRun.run(dir, "bench", TestUpscaleProvider.ID, "--presets", "--input",
                dir.resolve("absent.wav").toString());
        assertEquals(ExitCodes.USAGE, missing.code(), missing::toString);
        assertTrue(missing.err().contains("no such file") && missing.err().contains("absent.wav"), missing::toString);
    }

    @Test
    void pipelinesListsModelsParametersAndWeights() throws Exception {
        CliRun r = CliRun.run(dir, "pipelines");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        String out = r.out();
        assertTrue(out.contains(TestUpscaleProvider.ID + "  (Test box upscale, image)"), out);
        assertTrue(out.contains(TestSpeechProvider.ID), out);
        assertTrue(out.matches("(?s).*\\* box2x\\s+x2\\s+weights: none needed.*"), out);
        assertTrue(out.contains("weighted") && out.contains("weights: MISSING " + TestUpscaleProvider.WEIGHTS_FILE),
                out);
        assertTrue(out.matches("(?s).*steps\\s+int\\s+default 3\\s+range 1\\.\\.1000.*"), out);
        assertTrue(out.matches("(?s).*gain\\s+number\\s+default 1\\.0\\s+range 0\\.\\.2.*"), out);

        Files.write(dir.resolve(TestUpscaleProvider.WEIGHTS_FILE), new byte[4]);
        CliRun again = CliRun.run(dir, "pipelines");
        assertTrue(again.out().matches("(?s).*weighted\\s+x2\\s+weights: present.*"), again::toString);
    }

    @Test
    void benchQuickPrintsTheProvidersJson() {
        CliRun r = CliRun.run(dir, "bench", TestUpscaleProvider.ID, "--quick");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        JsonObject json = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(64 * 64, json.get("parameters").getAsLong());
        assertTrue(json.getAsJsonObject("matmul").get("seconds").getAsDouble() > 0);
        assertTrue(json.get("quick").getAsBoolean());
        assertTrue(r.err().contains("timing a 64x64 matmul"), r::toString);
    }

    @Test
    void benchWithAReferenceFilePrintsTheRatioOfOursToTheOfficialFigure() throws Exception {
        Path ref = dir.resolve("official.json");
        Files.writeString(ref, "{\"matmul_official\": {\"median_s\": 0.25, \"runs_s\": [0.25]}, \"torch\": \"1.13.1\"}");
        CliRun r = CliRun.run(dir, "bench", TestUpscaleProvider.ID, "--reference", ref.toString());
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        JsonObject json = JsonParser.parseString(r.out()).getAsJsonObject();
        double ours = json.getAsJsonObject("matmul").get("seconds").getAsDouble();
        JsonObject row = json.getAsJsonObject("reference_comparison").getAsJsonArray("ratios").get(0).getAsJsonObject();
        assertEquals("matmul", row.get("name").getAsString());
        assertEquals(0.25, row.get("official_seconds").getAsDouble(), 0);
        assertEquals(ours / 0.25, row.get("ratio").getAsDouble(), 1e-12);
        assertTrue(r.err().matches("(?s).*matmul\\s+ours .* official\\s+0\\.250 s\\s+ratio .*"), r::toString);
        assertFalse(r.err().contains("convolutions alone"), "a matmul has no convolution share: " + r);

        // a measurement that timed its convolutions apart also gets their ratio to the official figure
        Files.writeString(ref, "{\"matmul_official\": 0.25, \"conv_official\": {\"median_s\": 2.0}}");
        CliRun conv = CliRun.run(dir, "bench", TestUpscaleProvider.ID, "--reference", ref.toString());
        assertEquals(ExitCodes.OK, conv.code(), conv::toString);
        JsonObject convJson = JsonParser.parseString(conv.out()).getAsJsonObject();
        double convSeconds = convJson.getAsJsonObject("conv").get("convolution_seconds").getAsDouble();
        assertTrue(convSeconds > 0 && convSeconds <= convJson.getAsJsonObject("conv").get("seconds").getAsDouble());
        JsonObject convRow = null;
        for (var e : convJson.getAsJsonObject("reference_comparison").getAsJsonArray("ratios")) {
            if (e.getAsJsonObject().get("name").getAsString().equals("conv")) {
                convRow = e.getAsJsonObject();
            }
        }
        assertTrue(convRow != null, conv::toString);
        assertEquals(convSeconds / 2.0, convRow.get("convolution_ratio").getAsDouble(), 1e-12);
        assertTrue(conv.err().matches("(?s).*conv\\s+ours .* official\\s+2\\.000 s\\s+ratio \\S+"
                + "\\s+\\(our convolutions alone \\S+ s: \\S+\\).*"), conv::toString);

        Files.writeString(ref, "{\"score_call_256x512\": 9.0}");
        CliRun other = CliRun.run(dir, "bench", TestUpscaleProvider.ID, "--reference", ref.toString());
        assertEquals(ExitCodes.USAGE, other.code(), other::toString);
        assertTrue(other.err().contains("official.json") && other.err().contains("matmul_official"), other::toString);
        CliRun quick = CliRun.run(dir, "bench", TestUpscaleProvider.ID, "--quick", "--reference", ref.toString());
        assertEquals(ExitCodes.USAGE, quick.code(), quick::toString);
        assertTrue(quick.err().contains("--quick"), quick::toString);
    }

    @Test
    void benchWithoutABenchmarkOrUnknownPipelineIsAUsageError() {
        CliRun none = CliRun.run(dir, "bench", TestSpeechProvider.ID);
        assertEquals(ExitCodes.USAGE, none.code(), none::toString);
        assertTrue(none.err().contains("has no benchmark"), none::toString);
        CliRun unknown = CliRun.run(dir, "bench", "nope");
        assertEquals(ExitCodes.USAGE, unknown.code(), unknown::toString);
        assertTrue(unknown.err().contains("known pipelines"), unknown::toString);
    }
}
