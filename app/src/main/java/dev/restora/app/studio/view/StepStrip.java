package dev.restora.app.studio.view;

import dev.restora.app.studio.model.Prop;
import dev.restora.app.studio.model.StepHistory;
import dev.restora.app.studio.model.WorkspaceModel;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
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
 *
 * <p>The items are {@link StepHistory.Thumb}s, never the history's entries: the history drops full frames over its
 * memory budget, and a list holding the entries would keep them all. A chosen step's frame is read from the
 * history. {@link #dispose()} detaches the strip from the workspace.
 */
public final class StepStrip extends ListView<StepHistory.Thumb> {
    private final Supplier<StepHistory> history;
    private final BooleanSupplier busy;
    private final Runnable unsubscribe;
    private boolean following = true;

    public StepStrip(WorkspaceModel model) {
        this(model.historySize(), model::history, model::showStep, model::isBusy);
    }

    /**
     * @param size    the history's length as the UI sees it
     * @param history the current run's history (a new run brings a new one)
     * @param show    shows a step's frame (its position in the history)
     * @param busy    whether a run is going on
     */
    StepStrip(Prop<Integer> size, Supplier<StepHistory> history, IntConsumer show, BooleanSupplier busy) {
        this.history = history;
        this.busy = busy;
        getStyleClass().add("step-strip");
        setId("step-strip");
        setOrientation(Orientation.HORIZONTAL);
        setPrefHeight(134);
        setMinHeight(134);
        setMaxHeight(134);
        setCellFactory(v -> new Cell());
        unsubscribe = size.listen(this::sync);
        getSelectionModel().selectedIndexProperty().addListener((o, a, b) -> {
            int i = b.intValue();
            if (i >= 0) {
                following = i == getItems().size() - 1;
                show.accept(getItems().get(i).index());
            }
        });
    }

    /** Stops following the workspace's history. */
    public void dispose() {
        unsubscribe.run();
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
        List<StepHistory.Thumb> added = history.get().thumbs(getItems().size());
        if (!added.isEmpty()) {
            getItems().addAll(added);
        }
        if (following && !busy.getAsBoolean()) {
            return;
        }
        if (following) {
            scrollTo(getItems().size() - 1);
        }
    }

    /** A thumbnail with its step number. */
    private static final class Cell extends ListCell<StepHistory.Thumb> {
        private final ImageView view = new ImageView();
        private final Label label = new Label();
        private final VBox box = new VBox(2, view, label);
        private StepHistory.Thumb shown;

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
        protected void updateItem(StepHistory.Thumb t, boolean empty) {
            super.updateItem(t, empty);
            if (empty || t == null) {
                setGraphic(null);
                shown = null;
                return;
            }
            if (shown != t) {
                Image img = FxImages.of(t.thumb());
                view.setImage(img);
                label.setText(String.valueOf(t.step() + 1));
                shown = t;
            }
            setGraphic(box);
        }
    }
}
