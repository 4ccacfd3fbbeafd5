package dev.restora.app.studio.view;

import dev.restora.app.studio.model.StudioSettings;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;

/** Applies the light or dark stylesheet; SYSTEM asks the OS where it can (GNOME, macOS, Windows). */
public final class Theme {
    public static final String CSS = Theme.class.getResource("/dev/restora/app/studio/studio.css").toExternalForm();
    private static Boolean systemDark;

    private Theme() {
    }

    public static void apply(Scene scene, StudioSettings.Theme theme) {
        if (!scene.getStylesheets().contains(CSS)) {
            scene.getStylesheets().add(CSS);
        }
        boolean dark = switch (theme == null ? StudioSettings.Theme.SYSTEM : theme) {
            case DARK -> true;
            case LIGHT -> false;
            case SYSTEM -> systemPrefersDark();
        };
        var classes = scene.getRoot().getStyleClass();
        classes.removeAll("theme-dark", "theme-light");
        classes.add(dark ? "theme-dark" : "theme-light");
    }

    /** The OS preference, asked once (false where it cannot be detected). */
    public static synchronized boolean systemPrefersDark() {
        if (systemDark == null) {
            systemDark = detect();
        }
        return systemDark;
    }

    private static boolean detect() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        try {
            if (os.contains("mac")) {
                return run("defaults", "read", "-g", "AppleInterfaceStyle").toLowerCase(Locale.ROOT).contains("dark");
            }
            if (os.contains("win")) {
                String out = run("reg", "query",
                        "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Themes\\Personalize", "/v",
                        "AppsUseLightTheme");
                return out.contains("0x0");
            }
            String gtk = System.getenv("GTK_THEME");
            if (gtk != null && gtk.toLowerCase(Locale.ROOT).contains("dark")) {
                return true;
            }
            String scheme = run("gsettings", "get", "org.gnome.desktop.interface", "color-scheme");
            if (scheme.contains("dark")) {
                return true;
            }
            return run("gsettings", "get", "org.gnome.desktop.interface", "gtk-theme").toLowerCase(Locale.ROOT)
                    .contains("dark");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(1500, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return "";
            }
            return new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
