package dev.restora.app.cli;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

/**
 * The user's Restora folders. The data folder is {@code -Drestora.home}, else {@code $RESTORA_HOME}, else the
 * platform's per-user data folder: {@code $XDG_DATA_HOME/restora} or {@code ~/.local/share/restora} on Linux,
 * {@code ~/Library/Application Support/Restora} on macOS, {@code %LOCALAPPDATA%\Restora} on Windows.
 */
public final class AppDirs {
    public static final String HOME_PROPERTY = "restora.home";
    public static final String HOME_ENV = "RESTORA_HOME";

    private AppDirs() {
    }

    public static Path data() {
        String prop = System.getProperty(HOME_PROPERTY);
        if (prop != null && !prop.isBlank()) {
            return Paths.get(prop).toAbsolutePath();
        }
        String env = System.getenv(HOME_ENV);
        if (env != null && !env.isBlank()) {
            return Paths.get(env).toAbsolutePath();
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        Path home = Paths.get(System.getProperty("user.home"));
        if (os.contains("win")) {
            String local = System.getenv("LOCALAPPDATA");
            return (local != null ? Paths.get(local) : home.resolve("AppData").resolve("Local")).resolve("Restora");
        }
        if (os.contains("mac")) {
            return home.resolve("Library").resolve("Application Support").resolve("Restora");
        }
        String xdg = System.getenv("XDG_DATA_HOME");
        return (xdg != null && !xdg.isBlank() ? Paths.get(xdg) : home.resolve(".local").resolve("share"))
                .resolve("restora");
    }

    /** Where model weight files live (the model store's folder). */
    public static Path models() {
        return data().resolve("models");
    }

    /** Where plugin jars are picked up. */
    public static Path plugins() {
        return data().resolve("plugins");
    }

    /** DJL's cache of native libraries. */
    public static Path djlCache() {
        return data().resolve("djl-cache");
    }
}
