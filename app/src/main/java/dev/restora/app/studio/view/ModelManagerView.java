package dev.restora.app.studio.view;

import dev.restora.app.studio.model.ModelManagerModel;
import dev.restora.app.studio.model.StudioContext;
import java.io.File;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TextArea;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import javafx.stage.Window;

/**
 * The model manager: each catalog entry with its state, size and progress, the licence with an accept step where
 * required, download / cancel / import / verify / remove, and the store folder (changeable). Downloads go through
 * the system proxy settings (the store uses the default ProxySelector).
 */
public final class ModelManagerView {
    /** The window's default size. */
    public static final double WIDTH = 760;
    public static final double HEIGHT = 560;
    private final Stage stage;
    private final ModelManagerModel model;

    public ModelManagerView(StudioContext ctx, Window owner) {
        model = new ModelManagerModel(ctx);
        ListView<ModelManagerModel.Row> list = new ListView<>();
        list.setId("model-list");
        list.setCellFactory(v -> new RowCell());
        list.setPlaceholder(new Label("No installed pipeline needs downloaded weights."));
        model.rows().listen(rows -> {
            ModelManagerModel.Row sel = list.getSelectionModel().getSelectedItem();
            list.getItems().setAll(rows);
            if (sel != null) {
                rows.stream().filter(r -> r.entry().id().equals(sel.entry().id())).findFirst()
                        .ifPresent(r -> list.getSelectionModel().select(r));
            }
        });
        VBox.setVgrow(list, Priority.ALWAYS);
        Label folder = new Label();
        folder.setId("models-folder");
        folder.getStyleClass().add("mono");
        model.folder().listen(p -> folder.setText(p.toString()));
        Button change = new Button("Change…");
        change.setId("models-folder-change");
        change.setOnAction(e -> {
            File f = new DirectoryChooser().showDialog(stage());
            if (f != null) {
                model.changeFolder(f.toPath());
            }
        });
        Label proxy = new Label("Downloads use the system proxy settings (-Dhttps.proxyHost or the OS settings).");
        proxy.getStyleClass().add("muted");
        HBox folderRow = new HBox(8, new Label("Store folder"), folder, new Region(), change);
        HBox.setHgrow(folderRow.getChildren().get(2), Priority.ALWAYS);
        folderRow.setAlignment(Pos.CENTER_LEFT);
        Label title = new Label("Models");
        title.getStyleClass().add("dialog-title");
        Button refresh = new Button("Refresh");
        refresh.setOnAction(e -> model.rebuild());
        Button close = new Button("Close");
        HBox buttons = new HBox(8, refresh, new Region(), close);
        HBox.setHgrow(buttons.getChildren().get(1), Priority.ALWAYS);
        VBox root = new VBox(12, title, folderRow, proxy, list, buttons);
        root.setPadding(new Insets(20));
        root.setId("model-manager");
        stage = Dialogs.window(owner, "Models", root, WIDTH, HEIGHT, false);
        stage.setOnHidden(e -> model.dispose());
        close.setOnAction(e -> stage.close());
    }

    public ModelManagerModel model() {
        return model;
    }

    public Stage stage() {
        return stage;
    }

    public void show() {
        stage.show();
    }

    private void showLicence(ModelManagerModel.Row r) {
        Alert a = new Alert(Alert.AlertType.CONFIRMATION);
        a.initOwner(stage);
        a.setTitle("Licence · " + r.entry().fileName());
        a.setHeaderText(r.entry().mustAccept() ? "This model's licence must be accepted before it is downloaded"
                : "Licence");
        TextArea t = new TextArea(model.licence(r.entry().id()));
        t.setEditable(false);
        t.setWrapText(true);
        a.getDialogPane().setContent(t);
        ButtonType accept = new ButtonType("Accept", javafx.scene.control.ButtonBar.ButtonData.OK_DONE);
        a.getButtonTypes().setAll(accept, ButtonType.CANCEL);
        a.getDialogPane().getStylesheets().add(Theme.CSS);
        a.showAndWait().filter(b -> b == accept).ifPresent(b -> model.accept(r.entry().id()));
    }

    /** A catalog entry: name, description, state chip, progress and actions. */
    private final class RowCell extends ListCell<ModelManagerModel.Row> {
        @Override
        protected void updateItem(ModelManagerModel.Row r, boolean empty) {
            super.updateItem(r, empty);
            if (empty || r == null) {
                setGraphic(null);
                setText(null);
                return;
            }
            String id = r.entry().id();
            Label name = new Label(r.entry().fileName());
            name.getStyleClass().add("item-name");
            Label desc = new Label(r.entry().description() == null ? id : r.entry().description() + " · " + id);
            desc.getStyleClass().add("item-sub");
            Label state = new Label(r.state().name().toLowerCase(java.util.Locale.ROOT));
            state.getStyleClass().addAll("chip", "model-state-" + r.state().name().toLowerCase(java.util.Locale.ROOT));
            state.setId("model-state-" + id);
            Label size = new Label(r.sizeText());
            size.getStyleClass().add("muted");
            // the text column takes what the buttons leave and wraps; the buttons keep their full width
            desc.setWrapText(true);
            state.setMinWidth(Region.USE_PREF_SIZE);
            HBox title = new HBox(8, name, state);
            title.setAlignment(Pos.CENTER_LEFT);
            VBox text = new VBox(2, title, desc, size);
            text.setMinWidth(0);
            text.setMaxWidth(Double.MAX_VALUE);
            HBox.setHgrow(text, Priority.ALWAYS);
            if (r.message() != null) {
                Label err = new Label(r.message());
                err.getStyleClass().add("error-text");
                err.setWrapText(true);
                text.getChildren().add(err);
            }
            if (r.state() == ModelManagerModel.State.DOWNLOADING || r.state() == ModelManagerModel.State.PARTIAL) {
                ProgressBar bar = new ProgressBar(r.fraction() < 0 ? ProgressBar.INDETERMINATE_PROGRESS : r.fraction());
                bar.setMaxWidth(Double.MAX_VALUE);
                text.getChildren().add(bar);
            }
            HBox actions = new HBox(6);
            actions.setAlignment(Pos.CENTER_RIGHT);
            actions.setMinWidth(Region.USE_PREF_SIZE);
            Button licence = new Button(r.accepted() ? "Licence" : "Licence · accept");
            licence.setId("model-licence-" + id);
            licence.setOnAction(e -> showLicence(r));
            actions.getChildren().add(licence);
            if (r.state() == ModelManagerModel.State.DOWNLOADING) {
                Button cancel = new Button("Cancel");
                cancel.setId("model-cancel-" + id);
                cancel.setOnAction(e -> model.cancel(id));
                actions.getChildren().add(cancel);
            } else {
                if (r.state() != ModelManagerModel.State.VERIFIED && r.state() != ModelManagerModel.State.PRESENT) {
                    Button dl = new Button(r.state() == ModelManagerModel.State.PARTIAL ? "Resume" : "Download");
                    dl.setId("model-download-" + id);
                    dl.getStyleClass().add("accent");
                    dl.setDisable(!r.accepted());
                    dl.setOnAction(e -> model.download(id));
                    actions.getChildren().add(dl);
                }
                Button imp = new Button("Import…");
                imp.setOnAction(e -> {
                    File f = new FileChooser().showOpenDialog(stage());
                    if (f != null) {
                        model.importFile(id, f.toPath());
                    }
                });
                actions.getChildren().add(imp);
                if (r.state() == ModelManagerModel.State.VERIFIED || r.state() == ModelManagerModel.State.PRESENT
                        || r.state() == ModelManagerModel.State.PARTIAL) {
                    Button verify = new Button("Verify");
                    verify.setOnAction(e -> model.verify(id));
                    Button rm = new Button("Remove");
                    rm.setId("model-remove-" + id);
                    rm.setOnAction(e -> model.remove(id));
                    actions.getChildren().addAll(verify, rm);
                }
            }
            HBox box = new HBox(12, text, actions);
            box.setAlignment(Pos.CENTER_LEFT);
            box.setMinWidth(0);
            box.getStyleClass().add("model-row");
            // the cell never asks for more than the list's width, so no horizontal scroll bar appears
            setPrefWidth(0);
            setGraphic(box);
            setText(null);
        }
    }
}
