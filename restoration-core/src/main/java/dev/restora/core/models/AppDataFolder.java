package dev.restora.core.models;

import java.nio.file.Path;
import java.util.Locale;

/** The per-user folder where Restora keeps its data (models, settings), following each OS's convention. */
public final class AppDataFolder {
    private AppDataFolder() {
    }

    /**
     * Windows: {@code %LOCALAPPDATA%\Restora} (weights are large, so not the roaming profile); macOS:
     * {@code ~/Library/Application Support/Restora}; others: {@code $XDG_DATA_HOME/restora} or
     * {@code ~/.local/share/restora}.
     */
    public static Path resolve() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String home = System.getProperty("user.home");
        if (os.contains("win")) {
            String local = System.getenv("LOCALAPPDATA");
            return local != null && !local.isBlank() ? Path.of(local, "Restora")
                    : Path.of(home, "AppData", "Local", "Restora");
        }
        if (os.contains("mac")) {
            return Path.of(home, "Library", "Application Support", "Restora");
        }
        String xdg = System.getenv("XDG_DATA_HOME");
        return xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg, "restora")
                : Path.of(home, ".local", "share", "restora");
    }
}
