package dev.restora.app.studio.model;

import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads and saves {@link StudioSettings} at {@code <app data>/studio/settings.json}. */
public final class SettingsStore {
    private static final Logger LOG = LoggerFactory.getLogger(SettingsStore.class);
    private final Path file;
    private final StudioSettings settings;

    public SettingsStore(Path file) {
        this.file = file;
        StudioSettings s = null;
        try {
            s = JsonFiles.read(file, StudioSettings.class);
        } catch (RuntimeException e) {
            LOG.warn("settings ignored: {}", e.getMessage());
        }
        settings = s == null ? new StudioSettings() : s;
        settings.normalise();
    }

    public StudioSettings get() {
        return settings;
    }

    public Path file() {
        return file;
    }

    public synchronized void save() {
        try {
            JsonFiles.write(file, settings);
        } catch (RuntimeException e) {
            LOG.warn("settings not saved: {}", e.getMessage());
        }
    }
}
