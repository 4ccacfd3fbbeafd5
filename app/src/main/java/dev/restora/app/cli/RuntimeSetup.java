package dev.restora.app.cli;

import ai.djl.engine.Engine;
import java.nio.file.Path;

/**
 * The JVM settings the app needs before any DJL class loads: offline mode (no telemetry or downloads), DJL's native
 * cache and JNA's temporary files under the user's app data folder rather than {@code $HOME}, quiet logging.
 * Values already given on the command line ({@code -D...}) or in the environment are kept.
 */
public final class RuntimeSetup {
    private RuntimeSetup() {
    }

    /** Sets the properties; safe to call more than once. */
    public static void configure() {
        setIfAbsent("ai.djl.offline", "true");
        Path data = AppDirs.data();
        if (System.getProperty("DJL_CACHE_DIR") == null && System.getenv("DJL_CACHE_DIR") == null) {
            System.setProperty("DJL_CACHE_DIR", AppDirs.djlCache().toString());
        }
        if (System.getProperty("ENGINE_CACHE_DIR") == null && System.getenv("ENGINE_CACHE_DIR") == null) {
            System.setProperty("ENGINE_CACHE_DIR", AppDirs.djlCache().toString());
        }
        setIfAbsent("jna.tmpdir", data.resolve("tmp").resolve("jna").toString());
        setIfAbsent("javafx.cachedir", data.resolve("openjfx").toString());
        setIfAbsent("ai.djl.default_engine", "PyTorch");
    }

    /** Quiet logging (warnings only) unless verbose; must run before the first logger is made. */
    public static void configureLogging(boolean verbose) {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        setIfAbsent("org.slf4j.simpleLogger.levelInBrackets", "true");
    }

    /** Loads the engine now so that a broken installation is one clear message, not a failure mid-run. */
    public static void startEngine() {
        try {
            Engine.getInstance();
        } catch (RuntimeException | LinkageError e) {
            throw new CliException(ExitCodes.INTERNAL, "the PyTorch engine could not start (" + e.getMessage()
                    + "); DJL's native cache is " + System.getProperty("DJL_CACHE_DIR"), e);
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
