package dev.restora.app.cli;

import ai.djl.Device;
import dev.restora.core.batch.BatchPlan;
import dev.restora.core.batch.BatchReport;
import dev.restora.core.batch.ItemState;
import dev.restora.core.batch.OverwritePolicy;
import dev.restora.core.batch.RestoreBatch;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code restora restore INPUT...}: restores files one after the other, going on after a failed one. A thin front end
 * of the batch path ({@link RestoreBatch}, {@link dev.restora.core.batch.BatchRunner}) with a flat layout: outputs
 * {@code <name>_<pipeline>.<ext>} in {@code --out} or beside each input, written atomically, no journal or report.
 */
@Command(name = "restore", mixinStandardHelpOptions = true, description = {"Restore images or speech recordings (a folder means the images and WAVs in it).",
    "Outputs are named <name>_<pipeline>.<ext> and keep the input's format."})
final class RestoreCommand implements Callable<Integer> {
    @ParentCommand
    RestoraCommand root;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "Image or WAV files, or folders of them.")
    List<Path> inputs;

    @Option(names = {"-p", "--pipeline"}, paramLabel = "ID",
            description = "Pipeline id (see 'restora pipelines'); default: esrgan (x4, bundled model) for images,"
                    + " classic-speech for audio; with --param scale=2 (or 3) images go to the weight-free"
                    + " classic-image (esrgan's x2/x3 models are downloads: --model esrgan-thick-x2).")
    String pipeline;

    @Option(names = {"-m", "--model"}, paramLabel = "ID", description = "Model of the pipeline (default: its first).")
    String model;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Output folder (default: beside each input).")
    Path out;

    @Option(names = "--steps", paramLabel = "N", description = "Sampling steps (the pipeline's 'steps' parameter).")
    Integer steps;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "-1",
            description = "Noise seed; -1 (default) picks one and prints it.")
    long seed;

    @Option(names = "--device", paramLabel = DeviceOption.LABEL, defaultValue = DeviceOption.DEFAULT,
            description = DeviceOption.DESCRIPTION)
    String device;

    @Option(names = "--param", paramLabel = "K=V", mapFallbackValue = "",
            description = {"Set a pipeline parameter (repeatable); see 'restora pipelines' for names and ranges.",
                "Speech (sgmse, storm): --param preset=fast-preview is an APPROXIMATE quick listen (fewer steps, no "
                        + "corrector; several times faster on a CPU, the output differs from the exact default's)."})
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = {"-q", "--quiet"}, description = "No progress display (nor the line naming the device auto chose).")
    boolean quiet;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, Object> overrides = new LinkedHashMap<>(params);
        if (steps != null) {
            overrides.put("steps", steps);
        }
        // the batch path with restore's layout: flat into --out (or beside each input), no journal, no report
        BatchPlan plan = new BatchPlan().layout(BatchPlan.Layout.FLAT).recursive(false)
                .inputs(inputs.stream().map(p -> p.toAbsolutePath().normalize().toString()).toList())
                .output(this.out == null ? null : this.out.toAbsolutePath().normalize().toString())
                .overwrite(OverwritePolicy.OVERWRITE).continueOnError(true)
                .pipeline(pipeline).model(model).parameters(overrides);
        root.prepareEngine();
        Device dev = DeviceOption.parse(device, quiet ? null : err); // -q: no "device: ..., chosen automatically" line
        try (RestoreBatch batch = RestoreBatch.prepare(plan, root.registry(), root.models(), dev)) {
            if (batch.items().isEmpty()) {
                throw new CliException(ExitCodes.USAGE, "no image or audio file among the inputs");
            }
            batch.load(); // every weight file of every model needed, before anything runs
            BatchReport report = BatchConsole.run(batch, plan, seed, quiet, root.verbose(), out, err,
                    r -> r.resumable(false));
            long failed = report.count(ItemState.FAILED);
            if (failed > 0) {
                err.println(failed + " of " + report.results().size() + " file(s) failed");
                err.flush();
            }
            return BatchConsole.exitCode(report);
        }
    }
}
