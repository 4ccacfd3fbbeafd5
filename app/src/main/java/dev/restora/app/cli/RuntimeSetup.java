package dev.restora.app.cli;

import dev.restora.core.RestoraException;
import dev.restora.core.engine.AppDirs;
import dev.restora.core.engine.EngineSetup;

/**
 * The JVM settings the app needs before any DJL class loads: the engine's (offline mode, DJL cache and JNA files under
 * the user's app data folder, threads; see {@link EngineSetup}), JavaFX's cache folder and quiet logging. Values
 * already given on the command line ({@code -D...}) are kept.
 */
public final class RuntimeSetup {
    private RuntimeSetup() {
    }

    /** Sets the properties; safe to call more than once. */
    public static void configure() {
        if (System.getProperty(AppDirs.HOME_PROPERTY) == null) {
            String env = System.getenv("RESTORA_HOME");
            if (env != null && !env.isBlank()) {
                System.setProperty(AppDirs.HOME_PROPERTY, env);
            }
        }
        try {
            EngineSetup.configure();
        } catch (RestoraException e) {
            throw new CliException(ExitCodes.INTERNAL, e.getMessage(), e);
        }
        printNotices();
        setIfAbsent("javafx.cachedir", AppDirs.current().home().resolve("openjfx").toString());
    }

    /** Quiet logging (warnings only) unless verbose; must run before the first logger is made. */
    public static void configureLogging(boolean verbose) {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        setIfAbsent("org.slf4j.simpleLogger.levelInBrackets", "true");
        if (!verbose) {
            // DJL warns on every start of a CPU-only machine that it found no usable CUDA driver
            setIfAbsent("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
        }
    }

    /** Loads the engine now so that a broken installation is one clear message, not a failure mid-run. */
    public static void startEngine() {
        configure();
        try {
            EngineSetup.start();
        } catch (RestoraException e) {
            throw new CliException(ExitCodes.INTERNAL, e.getMessage(), e);
        } finally {
            printNotices();
        }
    }

    /** The engine's notices for the user (a GPU runtime set aside, an environment override), once each. */
    private static void printNotices() {
        for (String n : EngineSetup.drainNotices()) {
            System.err.println("warning: " + n);
        }
        System.err.flush();
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
