package dev.restora.app;

import dev.restora.app.cli.RestoraCommand;
import dev.restora.app.cli.RuntimeSetup;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The application's entry point: without arguments it opens the studio; with files or folders and no command
 * ({@code restora photo.png}, what a desktop's "Open with" runs) it opens the studio with them; otherwise it runs the
 * command line.
 * The runtime properties (DJL offline, caches under the app data folder, quiet logging) are set here, before any
 * DJL class loads.
 */
public final class Main {
    static final String STUDIO_CLASS = "dev.restora.app.studio.StudioApp";

    private Main() {
    }

    public static void main(String[] args) {
        boolean verbose = Arrays.stream(args).anyMatch(a -> a.equals("-v") || a.equals("--verbose"));
        RuntimeSetup.configureLogging(verbose);
        RuntimeSetup.configure();
        if ((args.length == 0 || opensFiles(args)) && openStudio(args)) {
            return;
        }
        Charset cs = System.console() != null ? System.console().charset() : Charset.defaultCharset();
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, cs), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, cs), true);
        int code = RestoraCommand.execute(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Whether the arguments are files to open in the studio: the first is an existing file or folder and neither a
     * command nor an option (a file named like a command is opened with {@code ./restore}).
     */
    static boolean opensFiles(String[] args) {
        if (args.length == 0 || args[0].startsWith("-")
                || RestoraCommand.newCommandLine().getSubcommands().containsKey(args[0])) {
            return false;
        }
        try {
            return Files.exists(Path.of(args[0]));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /**
     * Starts the studio, with {@code args} (files to open) when it is part of this build: {@code
     * StudioApp.main(String[])}, or for a JavaFX {@code Application} subclass without one,
     * {@code Application.launch(StudioApp.class, args)}. False when the studio is not in this build (then the command
     * line runs).
     */
    static boolean openStudio(String[] args) {
        Class<?> studio;
        try {
            studio = Class.forName(STUDIO_CLASS);
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
        try {
            try {
                Method main = studio.getMethod("main", String[].class);
                main.invoke(null, (Object) args);
            } catch (NoSuchMethodException noMain) {
                Class<?> app = Class.forName("javafx.application.Application");
                if (!app.isAssignableFrom(studio)) {
                    return false;
                }
                app.getMethod("launch", Class.class, String[].class).invoke(null, studio, args);
            }
            return true;
        } catch (NoSuchMethodException | IllegalAccessException | ClassNotFoundException e) {
            return false;
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            System.err.println("error: the studio could not start: " + cause);
            System.exit(5);
            return true;
        }
    }
}
