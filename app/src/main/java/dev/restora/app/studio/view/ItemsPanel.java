package dev.restora.app.studio.view;

import dev.restora.app.studio.model.OpenProblem;
import dev.restora.app.studio.model.StudioModel;
import dev.restora.app.studio.model.WorkspaceModel;
import dev.restora.core.pipeline.Media;
import java.util.Locale;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.OverrunStyle;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/** The left panel: the opened items (kind, name, size, run state) and the files that could not be opened, and why. */
final class ItemsPanel extends VBox {
    private final ListView<WorkspaceModel> itemList = new ListView<>();
    private final ListView<OpenProblem> problemList = new ListView<>();
    private final VBox problemsBox;

    ItemsPanel(StudioModel model, Runnable openFiles) {
        super(8);
        itemList.setId("item-list");
        itemList.getStyleClass().add("item-list");
        itemList.setCellFactory(v -> new ItemCell());
        itemList.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (b != null && b != model.selected().get()) {
                model.select(b);
            }
        });
        problemList.setId("problem-list");
        problemList.getStyleClass().add("problem-list");
        problemList.setCellFactory(v -> new ProblemCell());
        problemList.setPrefHeight(150);
        Button clearProblems = new Button("Clear");
        clearProblems.getStyleClass().add("link-button");
        clearProblems.setOnAction(e -> model.clearProblems());
        problemsBox = new VBox(6, bar("Could not open", clearProblems), problemList);
        problemsBox.getStyleClass().add("problems-box");
        Button open = new Button("Open…");
        open.setGraphic(Icons.of(Icons.OPEN, 14));
        open.setId("open-button");
        open.setOnAction(e -> openFiles.run());
        getChildren().addAll(bar("Opened", open), itemList, problemsBox);
        VBox.setVgrow(itemList, Priority.ALWAYS);
        getStyleClass().add("left-panel");
        setPrefWidth(250);
        setMinWidth(200);
        model.items().listen(items -> itemList.getItems().setAll(items));
        model.selected().listen(w -> {
            if (w != null) {
                itemList.getSelectionModel().select(w);
            }
        });
        model.problems().listen(p -> {
            problemList.getItems().setAll(p);
            problemsBox.setVisible(!p.isEmpty());
            problemsBox.setManaged(!p.isEmpty());
        });
    }

    private static HBox bar(String title, Button action) {
        Label t = new Label(title);
        t.getStyleClass().add("section-header");
        Region g = new Region();
        HBox.setHgrow(g, Priority.ALWAYS);
        HBox b = new HBox(t, g, action);
        b.setAlignment(Pos.CENTER_LEFT);
        return b;
    }

    /** Item cell: kind icon, name, summary and run state (followed live). */
    private static final class ItemCell extends ListCell<WorkspaceModel> {
        private Runnable unsubscribe = () -> { };

        @Override
        protected void updateItem(WorkspaceModel w, boolean empty) {
            super.updateItem(w, empty);
            unsubscribe.run();
            unsubscribe = () -> { };
            if (empty || w == null) {
                setGraphic(null);
                setText(null);
                return;
            }
            Label name = new Label(w.item().name());
            name.getStyleClass().add("item-name");
            name.setMaxWidth(170);
            name.setTextOverrun(OverrunStyle.CENTER_ELLIPSIS);
            Label sub = new Label(w.item().summary());
            sub.setMaxWidth(170);
            sub.getStyleClass().add("item-sub");
            Label state = new Label();
            state.getStyleClass().add("item-state");
            state.managedProperty().bind(state.visibleProperty());
            unsubscribe = w.state().listen(st -> {
                state.setVisible(st != WorkspaceModel.RunState.IDLE);
                state.setText(st.name().toLowerCase(Locale.ROOT));
                state.getStyleClass().removeIf(c -> c.startsWith("item-state-"));
                state.getStyleClass().add("item-state-" + st.name().toLowerCase(Locale.ROOT));
            });
            VBox text = new VBox(1, name, sub, state);
            Node icon = Icons.of(w.item().media() instanceof Media.Image ? Icons.IMAGE : Icons.WAVE, 18);
            HBox box = new HBox(10, icon, text);
            box.setAlignment(Pos.CENTER_LEFT);
            box.setMaxWidth(200);
            setPrefWidth(0);
            setGraphic(box);
            setText(null);
        }
    }

    /** Problem cell: the reason. */
    private static final class ProblemCell extends ListCell<OpenProblem> {
        @Override
        protected void updateItem(OpenProblem p, boolean empty) {
            super.updateItem(p, empty);
            if (empty || p == null) {
                setGraphic(null);
                setText(null);
                return;
            }
            Label l = new Label(p.reason());
            l.setWrapText(true);
            l.setMaxWidth(220);
            l.getStyleClass().add("problem-text");
            setGraphic(new HBox(6, Icons.of(Icons.WARN, 14), l));
            setText(null);
        }
    }
}
