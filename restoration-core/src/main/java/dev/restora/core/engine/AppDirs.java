package dev.restora.core.engine;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Map;

/**
 * The per-user folder where Restora keeps its data (models, the engine's cache, temporary native libraries,
 * plugins): Linux {@code $XDG_DATA_HOME/restora} or {@code ~/.local/share/restora}, macOS
 * {@code ~/Library/Application Support/Restora}, Windows {@code %LOCALAPPDATA%\Restora}. The system property
 * {@code restora.home} overrides it (tests, portable installs).
 */
public final class AppDirs {
    /** System property naming the data folder explicitly. */
    public static final String HOME_PROPERTY = "restora.home";

    private final Path home;

    private AppDirs(Path home) {
        this.home = home.toAbsolutePath().normalize();
    }

    /** The folders of this user on this machine. */
    public static AppDirs current() {
        return new AppDirs(resolveHome(System.getProperty(HOME_PROPERTY), System.getProperty("os.name", ""),
                System.getProperty("user.home"), System.getenv()));
    }

    /** Folders rooted at an explicit location. */
    public static AppDirs at(Path home) {
        return new AppDirs(home);
    }

    /** The data folder chosen from the override, the OS name, the user's home and the environment. */
    static Path resolveHome(String override, String osName, String userHome, Map<String, String> env) {
        if (override != null && !override.isBlank()) {
            return Paths.get(override);
        }
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.contains("win")) {
            String local = env.get("LOCALAPPDATA");
            if (local != null && !local.isBlank()) {
                return Paths.get(local, "Restora");
            }
            return Paths.get(userHome, "AppData", "Local", "Restora");
        }
        if (os.contains("mac") || os.contains("darwin")) {
            return Paths.get(userHome, "Library", "Application Support", "Restora");
        }
        String xdg = env.get("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank() && Paths.get(xdg).isAbsolute()) {
            return Paths.get(xdg, "restora");
        }
        return Paths.get(userHome, ".local", "share", "restora");
    }

    /** The data folder itself. */
    public Path home() {
        return home;
    }

    /** Downloaded and imported model weights. */
    public Path models() {
        return home.resolve("models");
    }

    /** Extra plugin jars. */
    public Path plugins() {
        return home.resolve("plugins");
    }

    /** DJL's cache ({@code DJL_CACHE_DIR}): the native libraries it unpacks when they come from a jar. */
    public Path djlCache() {
        return home.resolve("djl-cache");
    }

    /** Temporary files, including JNA's unpacked libraries ({@code jna.tmpdir}). */
    public Path tmp() {
        return home.resolve("tmp");
    }

    @Override
    public String toString() {
        return home.toString();
    }
}
