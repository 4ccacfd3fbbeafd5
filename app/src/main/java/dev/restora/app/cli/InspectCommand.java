package dev.restora.app.cli;

import dev.restora.core.checkpoint.Checkpoint;
import dev.restora.core.checkpoint.CheckpointFormat;
import dev.restora.core.checkpoint.CheckpointInfo;
import dev.restora.core.checkpoint.TensorInfo;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code restora inspect FILE}: what a checkpoint holds, read with the restricted unpickler (no code from the file
 * runs). A file that is refused (not a checkpoint, hostile or damaged) exits with {@link ExitCodes#FAILED} and the
 * reason.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true, description = {"List a checkpoint's tensors (name, dtype,"
        + " shape, bytes) and parameter count;", "for Lightning files also the hyper-parameters and whether EMA"
        + " weights are present.", "Nothing in the file is executed."})
final class InspectCommand implements Callable<Integer> {
    @ParentCommand
    RestoraCommand root;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "A .pth/.pt, Lightning .ckpt or .safetensors file.")
    Path file;

    @Option(names = "--summary", description = "Only the totals, hyper-parameters and EMA, not every tensor.")
    boolean summary;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.isRegularFile(file)) {
            throw new CliException(ExitCodes.FAILED, file + ": no such file");
        }
        CheckpointInfo info = Checkpoint.inspect(file);
        out.println(file);
        boolean lightning = !info.hyperParameters().isEmpty() || info.hasEma();
        out.println("format: " + (info.format() == CheckpointFormat.SAFETENSORS ? "safetensors"
                : lightning ? "PyTorch zip (Lightning checkpoint)" : "PyTorch zip"));
        out.printf(Locale.ROOT, "tensors: %d%n", info.tensors().size());
        out.printf(Locale.ROOT, "parameters: %d (%s)%n", info.parameterCount(), millions(info.parameterCount()));
        out.printf(Locale.ROOT, "stored bytes: %d (%s)%n", info.tensorBytes(), bytes(info.tensorBytes()));
        Map<String, Long> dtypes = info.tensors().stream().collect(Collectors.groupingBy(TensorInfo::dtype,
                java.util.TreeMap::new, Collectors.counting()));
        out.println("dtypes: " + dtypes.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue())
                .collect(Collectors.joining(", ")));
        out.println("EMA weights: " + (info.hasEma() ? "present (" + info.emaTensorCount() + " tensors)" : "none"));
        if (!info.hyperParameters().isEmpty()) {
            out.println("hyper_parameters:");
            for (Map.Entry<String, Object> e : info.hyperParameters().entrySet()) {
                out.println("  " + e.getKey() + " = " + value(e.getValue()));
            }
        }
        if (!summary) {
            int nameWidth = Math.min(72, info.tensors().stream().mapToInt(t -> t.name().length()).max().orElse(4));
            out.println("tensors (name, dtype, shape, bytes):");
            for (TensorInfo t : info.tensors()) {
                out.printf(Locale.ROOT, "  %-" + nameWidth + "s  %-8s  %-18s  %d%n", t.name(), t.dtype(),
                        Arrays.toString(t.shape()), t.bytes());
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static String value(Object v) {
        if (v instanceof TensorInfo t) {
            return "tensor " + t.dtype() + " " + Arrays.toString(t.shape());
        }
        if (v instanceof Map<?, ?> m) {
            return m.entrySet().stream().map(e -> e.getKey() + ": " + value(e.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
        }
        if (v instanceof List<?> l) {
            return l.stream().map(InspectCommand::value).collect(Collectors.joining(", ", "[", "]"));
        }
        if (v instanceof Object[] a) {
            return value(Arrays.asList(a));
        }
        return String.valueOf(v);
    }

    static String millions(long n) {
        return n >= 1_000_000 ? String.format(Locale.ROOT, "%.2f M", n / 1e6)
                : String.format(Locale.ROOT, "%.1f k", n / 1e3);
    }

    static String bytes(long b) {
        return b >= 1L << 30 ? String.format(Locale.ROOT, "%.2f GiB", b / (double) (1L << 30))
                : b >= 1L << 20 ? String.format(Locale.ROOT, "%.1f MiB", b / (double) (1L << 20))
                : String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
    }
}
