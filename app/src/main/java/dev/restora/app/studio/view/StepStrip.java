package dev.restora.app.studio.view;

import dev.restora.app.studio.model.StepHistory;
import dev.restora.app.studio.model.WorkspaceModel;
import java.util.List;
import javafx.geometry.Orientation;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.VBox;

/**
 * The timeline of a run: one thumbnail per recorded preview, appended while the run goes on; choosing one shows that
 * step's predicted clean output (scrubbing back after the run, or during it).
 */
public final class StepStrip extends ListView<StepHistory.Entry> {
    private final WorkspaceModel model;
    private boolean following = true;

    public StepStrip(WorkspaceModel model) {
        this.model = model;
        getStyleClass().add("step-strip");
        setId("step-strip");
        setOrientation(Orientation.HORIZONTAL);
        setPrefHeight(134);
        setMinHeight(134);
        setMaxHeight(134);
        setCellFactory(v -> new Cell());
        model.historySize().listen(this::sync);
        getSelectionModel().selectedIndexProperty().addListener((o, a, b) -> {
            int i = b.intValue();
            if (i >= 0) {
                following = i == getItems().size() - 1;
                model.showStep(i);
            }
        });
    }

    private void sync(int size) {
        if (size == 0) {
            getItems().clear();
            following = true;
            return;
        }
        if (size < getItems().size()) {
            getItems().clear();
        }
        List<StepHistory.Entry> all = model.history().snapshot();
        if (all.size() > getItems().size()) {
            getItems().addAll(all.subList(getItems().size(), all.size()));
        }
        if (following && !model.isBusy()) {
            return;
        }
        if (following) {
            scrollTo(getItems().size() - 1);
        }
    }

    /** A thumbnail with its step number. */
    private static final class Cell extends ListCell<StepHistory.Entry> {
        private final ImageView view = new ImageView();
        private final Label label = new Label();
        private final VBox box = new VBox(2, view, label);
        private StepHistory.Entry shown;

        Cell() {
            view.setFitWidth(StepHistory.THUMB_SIDE);
            view.setFitHeight(72);
            view.setPreserveRatio(true);
            label.getStyleClass().add("step-label");
            box.setAlignment(javafx.geometry.Pos.CENTER);
            box.setMinWidth(48);
            getStyleClass().add("step-cell");
        }

        @Override
        protected void updateItem(StepHistory.Entry e, boolean empty) {
            super.updateItem(e, empty);
            if (empty || e == null) {
                setGraphic(null);
                shown = null;
                return;
            }
            if (shown != e) {
                Image img = FxImages.of(e.thumb());
                view.setImage(img);
                label.setText(String.valueOf(e.step() + 1));
                shown = e;
            }
            setGraphic(box);
        }
    }
}
