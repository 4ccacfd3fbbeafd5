package dev.restora.core.archviolation;

/** Test fixture: a core class that shows JavaFX and names a plugin (ArchitectureTest proves the rules catch it). */
public final class CoreViolations {
    private CoreViolations() {
    }

    static Object fx() {
        return new javafx.scene.Group();
    }

    static Object plugin() {
        return dev.restora.classic.image.ClassicUpscaler.class;
    }
}
