package dev.restora.app.studio.view;

import dev.restora.app.studio.model.QueueModel;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;

/** The main window's bottom line: the engine's state as the queue model words it, and one-line notices. */
final class StatusBar extends HBox {
    private final Label engine = new Label();

    StatusBar(QueueModel queue) {
        super(12);
        getStyleClass().add("status-bar");
        engine.setId("engine-status");
        getChildren().add(engine);
        queue.engine().listen(s -> {
            engine.setText(s.text());
            engine.getStyleClass().remove("error-text");
            if (s.error()) {
                engine.getStyleClass().add("error-text");
            }
        });
    }

    /** Adds a notice (e.g. the restored queue). */
    void notice(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("notice");
        l.setId("notice");
        getChildren().add(l);
    }
}
