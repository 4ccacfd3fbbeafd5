package dev.restora.app.studio.model;

import java.util.ArrayList;
import java.util.List;

/** The user's studio settings, persisted as JSON by {@link SettingsStore}. Plain fields for Gson. */
public final class StudioSettings {
    /** Colour theme; SYSTEM follows the OS where it can be detected. */
    public enum Theme { SYSTEM, LIGHT, DARK }

    /** How often previews are rendered while a job runs. */
    public enum PreviewMode { OFF, THROTTLED, EVERY_STEP }

    public static final int MAX_RECENT = 12;

    public Theme theme = Theme.SYSTEM;
    /** "auto" (GPU lanes when present, else the CPU), "cpu" or "gpu:N". */
    public String device = "auto";
    /** Intra-op CPU threads; 0 = the engine's default (all hardware threads). Takes effect at the next start. */
    public int cpuThreads;
    public PreviewMode previews = PreviewMode.THROTTLED;
    /** Where results are saved by default; null = beside the input. */
    public String outputFolder;
    /** The model store folder; null = the default under the app data folder. */
    public String modelsFolder;
    public List<String> recentFiles = new ArrayList<>();
    public double windowWidth = 1360;
    public double windowHeight = 860;

    /** Puts {@code path} first in the recent files, without duplicates, at most {@link #MAX_RECENT}. */
    public void addRecent(String path) {
        recentFiles.remove(path);
        recentFiles.add(0, path);
        while (recentFiles.size() > MAX_RECENT) {
            recentFiles.remove(recentFiles.size() - 1);
        }
    }

    public dev.restora.core.diffusion.PreviewPolicy previewPolicy() {
        return switch (previews == null ? PreviewMode.THROTTLED : previews) {
            case OFF -> dev.restora.core.diffusion.PreviewPolicy.OFF;
            case EVERY_STEP -> dev.restora.core.diffusion.PreviewPolicy.EVERY_STEP;
            case THROTTLED -> new dev.restora.core.diffusion.PreviewPolicy(true, 1, 100);
        };
    }

    /** Fills fields that an older or hand-edited file left out. */
    void normalise() {
        if (theme == null) {
            theme = Theme.SYSTEM;
        }
        if (device == null || device.isBlank()) {
            device = "auto";
        }
        if (previews == null) {
            previews = PreviewMode.THROTTLED;
        }
        if (recentFiles == null) {
            recentFiles = new ArrayList<>();
        }
        cpuThreads = Math.max(0, cpuThreads);
        if (windowWidth < 640 || windowHeight < 480) {
            windowWidth = 1360;
            windowHeight = 860;
        }
    }
}
