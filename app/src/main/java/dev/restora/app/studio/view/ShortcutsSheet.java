package dev.restora.app.studio.view;

import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.stage.Window;

/** The keyboard shortcuts sheet (F1). */
public final class ShortcutsSheet {
    private final Stage stage;

    public ShortcutsSheet(Window owner) {
        GridPane grid = new GridPane();
        grid.setHgap(24);
        grid.setVgap(8);
        int row = 0;
        for (Shortcuts.Shortcut s : Shortcuts.ALL) {
            Label keys = new Label(s.text());
            keys.getStyleClass().add("kbd");
            grid.add(new Label(s.action()), 0, row);
            grid.add(keys, 1, row);
            row++;
        }
        Label title = new Label("Keyboard shortcuts");
        title.getStyleClass().add("dialog-title");
        Label mouse = new Label("Mouse: wheel zooms at the cursor · drag pans · drag the divider to compare · "
                + "double-click fits");
        mouse.getStyleClass().add("muted");
        mouse.setWrapText(true);
        VBox root = new VBox(14, title, grid, mouse);
        root.setPadding(new Insets(20));
        root.setId("shortcuts-sheet");
        stage = Dialogs.window(owner, "Keyboard shortcuts", root, 460, 640, false);
    }

    public void show() {
        stage.show();
    }
}
