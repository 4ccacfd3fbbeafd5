package dev.restora.app.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code restora inspect FILE}: what a checkpoint holds, read without running any code from it. */
@Command(name = "inspect", mixinStandardHelpOptions = true, description = "List a checkpoint's tensors (name, dtype, shape, bytes), parameter count,"
        + " and for Lightning files the hyper-parameters and EMA weights.")
final class InspectCommand implements Callable<Integer> {
    @ParentCommand
    RestoraCommand root;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "A .pth, .ckpt or .safetensors file.")
    Path file;

    @Override
    public Integer call() {
        throw new CliException(ExitCodes.INTERNAL, "inspect is not available in this build yet");
    }
}
