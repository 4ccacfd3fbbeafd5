package dev.restora.app.studio.view;

import java.util.List;
import javafx.scene.input.KeyCombination;

/** The keyboard shortcuts of the common actions, shared by the menus and the shortcuts sheet. */
public final class Shortcuts {
    /** One shortcut. */
    public record Shortcut(String action, KeyCombination keys) {
        public String text() {
            return keys.getDisplayText();
        }
    }

    public static final Shortcut OPEN = of("Open files…", "Shortcut+O");
    public static final Shortcut OPEN_FOLDER = of("Open folder…", "Shortcut+Shift+O");
    public static final Shortcut PASTE = of("Paste image", "Shortcut+V");
    public static final Shortcut SAVE = of("Save result…", "Shortcut+S");
    public static final Shortcut CLOSE = of("Close item", "Shortcut+W");
    public static final Shortcut BATCH = of("Batch…", "Shortcut+B");
    public static final Shortcut RUN = of("Run", "Shortcut+Enter");
    public static final Shortcut CANCEL = of("Cancel run", "Shortcut+Period");
    public static final Shortcut FINISH = of("Finish early", "Shortcut+E");
    public static final Shortcut FIT = of("Zoom to fit", "Shortcut+0");
    public static final Shortcut ONE = of("Zoom 1:1", "Shortcut+1");
    public static final Shortcut SPLIT = of("Split / side by side", "Shortcut+D");
    public static final Shortcut QUEUE = of("Show or hide the queue", "Shortcut+J");
    public static final Shortcut MODELS = of("Models…", "Shortcut+M");
    public static final Shortcut SETTINGS = of("Settings…", "Shortcut+Comma");
    public static final Shortcut NEXT = of("Next item", "Shortcut+Page Down");
    public static final Shortcut PREVIOUS = of("Previous item", "Shortcut+Page Up");
    public static final Shortcut HELP = of("Keyboard shortcuts", "F1");
    public static final Shortcut QUIT = of("Quit", "Shortcut+Q");

    public static final List<Shortcut> ALL = List.of(OPEN, OPEN_FOLDER, PASTE, SAVE, CLOSE, BATCH, RUN, CANCEL,
            FINISH, FIT, ONE, SPLIT, QUEUE, NEXT, PREVIOUS, MODELS, SETTINGS, HELP, QUIT);

    private Shortcuts() {
    }

    private static Shortcut of(String action, String keys) {
        return new Shortcut(action, KeyCombination.keyCombination(keys));
    }
}
