package dev.restora.app.cli;

import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.CancelledException;
import dev.restora.core.engine.AppDirs;
import dev.restora.core.models.ModelCatalog;
import dev.restora.core.models.ModelStore;
import dev.restora.core.plugins.PipelineRegistry;
import dev.restora.core.restore.RestoreException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code restora} command: options shared by every subcommand and the services they use (the pipeline registry,
 * the model folder, engine set-up). Subcommands are registered in {@link #subcommands()}, the one place to add more.
 */
@Command(name = "restora", mixinStandardHelpOptions = true, versionProvider = RestoraCommand.Version.class,
        description = {"Restora Studio: diffusion restoration of images (ResShift, SinSR) and speech",
            "(SGMSE+, StoRM), plus weight-free classic defaults.",
            "Without arguments the studio opens."},
        footer = {"", "Run 'restora COMMAND --help' for a command's options."})
public final class RestoraCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Log details and show stack traces of errors.")
    boolean verbose;

    @Option(names = "--models-dir", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "Folder of model weight files (default: <app data>/models).")
    Path modelsDir;

    @Option(names = "--plugins-dir", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "Folder of plugin jars (default: <app data>/plugins).")
    Path pluginsDir;

    private PipelineRegistry registry;
    private boolean engineReady;
    private ModelStore store;

    /** The subcommands, in the order {@code --help} lists them. Add new commands here. */
    static List<Object> subcommands() {
        return List.of(new RestoreCommand(), new BatchCommand(), new PipelinesCommand(), new ModelsCommand(),
                new InspectCommand(), new BenchCommand(), new DevicesCommand(), new GpuCommand());
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.OK;
    }

    /** A command line with every subcommand, the exit code list and the error handling. */
    public static CommandLine newCommandLine() {
        RestoraCommand root = new RestoraCommand();
        CommandLine cl = new CommandLine(root);
        for (Object sub : subcommands()) {
            cl.addSubcommand(sub);
        }
        cl.addSubcommand(new CommandLine.HelpCommand());
        Map<String, String> codes = new LinkedHashMap<>();
        for (String line : ExitCodes.HELP) {
            int colon = line.indexOf(':');
            codes.put(line.substring(0, colon), line.substring(colon + 1));
        }
        applyExitCodeHelp(cl, codes);
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> root.handle(ex, cmd));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    private static void applyExitCodeHelp(CommandLine cl, Map<String, String> codes) {
        cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!(sub.getCommand() instanceof CommandLine.HelpCommand)) {
                applyExitCodeHelp(sub, codes);
            }
        }
    }

    /** Runs the command line with these streams and returns the exit code. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = newCommandLine();
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    /** Turns any failure into a message for the user and an exit code. */
    int handle(Exception ex, CommandLine cmd) {
        PrintWriter err = cmd.getErr();
        int code;
        String message;
        if (ex instanceof CliException c) {
            code = c.exitCode();
            message = c.getMessage();
        } else if (ex instanceof CancelledException) {
            code = ExitCodes.CANCELLED;
            message = "cancelled";
        } else if (ex instanceof RestoreException r) {
            code = exitCode(r);
            message = r.getMessage();
        } else if (ex instanceof RestoraException r) {
            code = ExitCodes.FAILED;
            message = r.getMessage();
        } else {
            code = ExitCodes.INTERNAL;
            message = "internal error: " + ex + (verbose ? "" : " (run with --verbose for details)");
        }
        err.println("error: " + message);
        if (verbose) {
            StringWriter sw = new StringWriter();
            ex.printStackTrace(new PrintWriter(sw));
            err.print(sw);
        }
        err.flush();
        return code;
    }

    static int exitCode(RestoreException e) {
        return switch (e.reason()) {
            case USAGE -> ExitCodes.USAGE;
            case MODEL_MISSING -> ExitCodes.MODEL_MISSING;
            default -> ExitCodes.FAILED;
        };
    }

    /** Sets up the DJL engine (offline, caches, threads) once, before any tensor is made. */
    void prepareEngine() {
        if (!engineReady) {
            RuntimeSetup.startEngine();
            engineReady = true;
        }
    }

    /** The pipelines of the class path and the plugin folder, loaded once. */
    PipelineRegistry registry() {
        if (registry == null) {
            registry = PipelineRegistry.load(pluginsDir != null ? pluginsDir : AppDirs.current().plugins());
        }
        return registry;
    }

    /**
     * The model store: {@code --models-dir}, else {@code -Drestora.models.dir}, else {@code <app data>/models}
     * ({@link ModelStore#defaultDirectory()}); its catalog is every installed pipeline's.
     */
    ModelStore models() {
        if (store == null) {
            Path dir = modelsDir != null ? modelsDir : ModelStore.defaultDirectory();
            store = new ModelStore(ModelCatalog.fromProviders(registry().all().stream()
                    .map(PipelineRegistry.Registered::provider).toList()), dir);
        }
        return store;
    }

    boolean verbose() {
        return verbose;
    }

    /** The version line of {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = RestoraCommand.class.getPackage().getImplementationVersion();
            return new String[] {"Restora Studio " + (v == null ? "0.1.0-SNAPSHOT" : v),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
