package dev.restora.app.cli;

import ai.djl.Device;
import com.google.gson.GsonBuilder;
import dev.restora.core.pipeline.BenchmarkReference;
import dev.restora.core.pipeline.PipelineBenchmark;
import dev.restora.core.plugins.PipelineRegistry;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code restora bench PIPELINE}: the pipeline's own speed measurement, printed as JSON on standard output. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = {"Measure a pipeline's speed at the released model size (random weights).",
    "Prints JSON on standard output; progress goes to standard error."})
final class BenchCommand implements Callable<Integer> {
    @ParentCommand
    RestoraCommand root;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PIPELINE", description = "Pipeline id (see 'restora pipelines').")
    String pipeline;

    @Option(names = "--quick", description = "A smaller, faster variant of the measurements.")
    boolean quick;

    @Option(names = "--reference", paramLabel = "FILE.json",
            description = {"The official code's timings from shared/tools/reference-timing/time_reference.py, run just "
                    + "before on the same machine: adds the ratio ours / official per measurement (below 1: faster)."})
    Path reference;

    @Option(names = "--presets", description = {"Speech pipelines: time each preset (the exact default, fewer "
            + "steps, no corrector, ODE/bridge samplers, encoder propagation, fast-preview) as whole runs alternating in "
            + "one process, and print per preset the real-time factor and the SI-SDR of its output against the exact "
            + "default's (and the clean recording's, with --clean)."})
    boolean presets;

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "With --presets: measure this checkpoint "
            + "instead of random weights at the released size.")
    Path checkpoint;

    @Option(names = "--input", paramLabel = "WAV", description = "With --presets: the recording to enhance "
            + "(default: a synthetic one).")
    Path input;

    @Option(names = "--clean", paramLabel = "WAV", description = "With --presets: the clean recording, for the "
            + "SI-SDR against clean speech.")
    Path clean;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "0", description = "With --presets: seconds of "
            + "audio (default 2 for the synthetic input; an input is cut to it).")
    double seconds;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "1", description = "With --presets: timed runs per "
            + "preset, alternating the presets (median reported; default 1).")
    int rounds;

    @Option(names = "--only", paramLabel = "NAMES", description = "With --presets: comma-separated preset names to "
            + "measure besides the default.")
    String only;

    @Option(names = "--device", paramLabel = DeviceOption.LABEL, defaultValue = DeviceOption.DEFAULT,
            description = DeviceOption.DESCRIPTION)
    String device;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PipelineRegistry registry = root.registry();
        PipelineRegistry.Registered r = registry.find(pipeline).orElseThrow(() -> new CliException(ExitCodes.USAGE,
                "no pipeline '" + pipeline + "'; known pipelines: " + String.join(", ", registry.ids())));
        PipelineBenchmark bench = r.provider().benchmark();
        if (bench == null) {
            throw new CliException(ExitCodes.USAGE, "pipeline " + pipeline + " has no benchmark");
        }
        BenchmarkReference ref = null;
        if (reference != null) {
            if (quick) {
                throw new CliException(ExitCodes.USAGE, "--reference compares the released sizes; it cannot be used "
                        + "with --quick");
            }
            if (bench.referenceKeys().isEmpty()) {
                throw new CliException(ExitCodes.USAGE, "pipeline " + pipeline + " has no official code to compare with");
            }
            try {
                ref = BenchmarkReference.read(reference);
                ref.requireAnyOf(bench.referenceKeys());
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage());
            }
        }
        if (presets && ref != null) {
            throw new CliException(ExitCodes.USAGE, "--presets and --reference cannot be combined");
        }
        if (!presets && (checkpoint != null || input != null || clean != null || only != null)) {
            throw new CliException(ExitCodes.USAGE, "--checkpoint, --input, --clean and --only go with --presets");
        }
        dev.restora.core.pipeline.PresetBenchOptions presetOptions = null;
        if (presets) {
            for (Path f : new Path[] {checkpoint, input, clean}) {
                if (f != null && !java.nio.file.Files.isRegularFile(f)) {
                    throw new CliException(ExitCodes.USAGE, "no such file: " + f);
                }
            }
            try {
                presetOptions = new dev.restora.core.pipeline.PresetBenchOptions(checkpoint, input, clean, seconds,
                        rounds, only);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage());
            }
        }
        root.prepareEngine();
        Device dev = DeviceOption.parse(device, err);
        PrintStream log = new PrintStream(new WriterStream(err), true, StandardCharsets.UTF_8);
        Map<String, Object> result;
        if (presets) {
            try {
                result = bench.presets(dev, log, quick, presetOptions);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage());
            }
            if (result == null) {
                throw new CliException(ExitCodes.USAGE, "pipeline " + pipeline + " has no presets to measure");
            }
        } else {
            result = bench.run(dev, log, quick);
        }
        if (ref != null) {
            Map<String, Object> cmp;
            try {
                cmp = ref.compare(result, bench.referenceKeys());
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage());
            }
            result = new java.util.LinkedHashMap<>(result);
            result.put("reference_comparison", cmp);
            @SuppressWarnings("unchecked")
            java.util.List<Map<String, Object>> rows = (java.util.List<Map<String, Object>>) cmp.get("ratios");
            for (Map<String, Object> row : rows) {
                log.printf("%-34s ours %9.3f s   official %9.3f s   ratio %.2f%s%n", row.get("name"),
                        row.get("ours_seconds"), row.get("official_seconds"), row.get("ratio"),
                        row.containsKey("convolution_ratio") ? String.format(
                                "   (our convolutions alone %.3f s: %.2f)", row.get("ours_convolution_seconds"),
                                row.get("convolution_ratio")) : "");
            }
        }
        log.flush();
        out.println(new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().disableHtmlEscaping()
                .create().toJson(result));
        out.flush();
        return ExitCodes.OK;
    }

    /** Bytes to a PrintWriter (the benchmark API logs to a PrintStream; picocli gives writers). */
    private static final class WriterStream extends OutputStream {
        private final PrintWriter w;
        private final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();

        WriterStream(PrintWriter w) {
            this.w = w;
        }

        @Override
        public void write(int b) {
            buf.write(b);
            if (b == '\n') {
                flush();
            }
        }

        @Override
        public void flush() {
            w.print(buf.toString(StandardCharsets.UTF_8));
            w.flush();
            buf.reset();
        }
    }
}
