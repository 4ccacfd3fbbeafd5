package dev.restora.app.studio.view;

import dev.restora.app.studio.model.OpenProblem;
import dev.restora.app.studio.model.StudioModel;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.TextInputControl;
import javafx.scene.input.Clipboard;
import javafx.scene.input.DataFormat;
import javafx.scene.input.TransferMode;

/** Files and folders dropped on the window, and what the clipboard holds, become opened items. */
final class DropAndPaste {
    private final StudioModel model;

    DropAndPaste(StudioModel model) {
        this.model = model;
    }

    /** Accepts files dropped anywhere on {@code target} (style class {@code drag-over} while over it). */
    void install(Node target) {
        target.setOnDragOver(e -> {
            if (e.getDragboard().hasFiles()) {
                e.acceptTransferModes(TransferMode.COPY);
                if (!target.getStyleClass().contains("drag-over")) {
                    target.getStyleClass().add("drag-over");
                }
            }
            e.consume();
        });
        target.setOnDragExited(e -> target.getStyleClass().remove("drag-over"));
        target.setOnDragDropped(e -> {
            boolean ok = false;
            if (e.getDragboard().hasFiles()) {
                model.open(e.getDragboard().getFiles().stream().map(File::toPath).toList());
                ok = true;
            }
            target.getStyleClass().remove("drag-over");
            e.setDropCompleted(ok);
            e.consume();
        });
    }

    /** Opens the clipboard's image, or the files (or a path) copied to it; a text field keeps its own paste. */
    void paste(Scene scene) {
        if (scene != null && scene.getFocusOwner() instanceof TextInputControl t) {
            t.paste(); // the accelerator must not take Ctrl+V away from text fields
            return;
        }
        Clipboard cb = Clipboard.getSystemClipboard();
        if (cb.hasFiles()) {
            model.open(cb.getFiles().stream().map(File::toPath).toList());
        } else if (cb.hasImage()) {
            model.openImage(FxImages.toBuffer(cb.getImage()));
        } else if (cb.hasString() && Files.exists(Path.of(cb.getString().trim()))) {
            model.open(List.of(Path.of(cb.getString().trim())));
        } else if (cb.hasContent(DataFormat.URL)) {
            model.problems().set(List.of(new OpenProblem(null, "the clipboard holds a link, not an image")));
        }
    }
}
