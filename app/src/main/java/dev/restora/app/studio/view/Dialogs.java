package dev.restora.app.studio.view;

import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;

/** Shared set-up of the studio's secondary windows: owner, stylesheet and theme of the main window. */
final class Dialogs {
    private Dialogs() {
    }

    static Stage window(Window owner, String title, Parent root, double w, double h, boolean modal) {
        Stage s = new Stage();
        s.initOwner(owner);
        if (modal) {
            s.initModality(Modality.WINDOW_MODAL);
        }
        s.setTitle(title);
        Scene scene = new Scene(root, w, h);
        scene.getStylesheets().add(Theme.CSS);
        if (owner != null && owner.getScene() != null) {
            root.getStyleClass().addAll(owner.getScene().getRoot().getStyleClass().filtered(c -> c.startsWith("theme-")));
        }
        root.getStyleClass().add("dialog-root");
        s.setScene(scene);
        return s;
    }
}
