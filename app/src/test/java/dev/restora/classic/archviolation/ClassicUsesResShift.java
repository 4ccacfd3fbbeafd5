package dev.restora.classic.archviolation;

/** Test fixture: a plugin class that names another plugin and the app. */
public final class ClassicUsesResShift {
    private ClassicUsesResShift() {
    }

    static Object other() {
        return dev.restora.resshift.ResShiftProvider.class;
    }

    static Object app() {
        return dev.restora.app.Main.class;
    }
}
