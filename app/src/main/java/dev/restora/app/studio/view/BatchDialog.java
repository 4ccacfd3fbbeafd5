package dev.restora.app.studio.view;

import dev.restora.app.studio.model.BatchModel;
import dev.restora.app.studio.model.StudioContext;
import dev.restora.core.batch.BatchReport;
import dev.restora.core.batch.ItemResult;
import dev.restora.core.batch.ItemState;
import dev.restora.core.batch.OverwritePolicy;
import dev.restora.core.pipeline.ModelOption;
import dev.restora.core.plugins.PipelineRegistry;
import java.io.File;
import java.nio.file.Path;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import javafx.stage.Window;

/**
 * The batch dialog: inputs (folders walked recursively, or files; drop them on the list), output folder, naming
 * template with {name} {pipeline} {model} {scale} {ext}, skip existing, overwrite policy, continue on error, the
 * pipeline and its parameters. Start queues one batch job; the end shows the report with every failure and its reason.
 */
public final class BatchDialog {
    private final Stage stage;
    private final BatchModel model;

    public BatchDialog(StudioContext ctx, Window owner) {
        model = new BatchModel(ctx);
        ListView<Path> inputs = new ListView<>();
        inputs.setId("batch-inputs");
        inputs.setPrefHeight(110);
        inputs.setPlaceholder(new Label("Add folders or files, or drop them here"));
        model.inputs().listen(l -> inputs.getItems().setAll(l));
        inputs.setOnDragOver(e -> {
            if (e.getDragboard().hasFiles()) {
                e.acceptTransferModes(TransferMode.COPY);
            }
        });
        inputs.setOnDragDropped(e -> {
            e.getDragboard().getFiles().forEach(f -> model.addInput(f.toPath()));
            e.setDropCompleted(true);
        });
        Button addFolder = new Button("Add folder…");
        addFolder.setOnAction(e -> {
            File f = new DirectoryChooser().showDialog(stage());
            if (f != null) {
                model.addInput(f.toPath());
            }
        });
        Button addFiles = new Button("Add files…");
        addFiles.setOnAction(e -> {
            var files = new FileChooser().showOpenMultipleDialog(stage());
            if (files != null) {
                files.forEach(f -> model.addInput(f.toPath()));
            }
        });
        Button remove = new Button("Remove");
        remove.setOnAction(e -> {
            Path p = inputs.getSelectionModel().getSelectedItem();
            if (p != null) {
                model.removeInput(p);
            }
        });
        CheckBox recursive = new CheckBox("Include sub-folders");
        recursive.setId("batch-recursive");
        recursive.setSelected(model.recursive());
        recursive.selectedProperty().addListener((o, a, b) -> model.recursive(b));

        TextField output = new TextField(model.output() == null ? "" : model.output().toString());
        output.setId("batch-output");
        output.setPromptText("output folder");
        HBox.setHgrow(output, Priority.ALWAYS);
        output.textProperty().addListener((o, a, b) -> model.output(b == null || b.isBlank() ? null : Path.of(b.trim())));
        Button browse = new Button("Choose…");
        browse.setOnAction(e -> {
            File f = new DirectoryChooser().showDialog(stage());
            if (f != null) {
                output.setText(f.getAbsolutePath());
            }
        });
        TextField naming = new TextField(model.naming());
        naming.setId("batch-naming");
        Label example = new Label();
        example.getStyleClass().add("muted");
        naming.textProperty().addListener((o, a, b) -> {
            model.naming(b);
            example.setText("e.g. " + model.namingExample());
        });
        example.setText("e.g. " + model.namingExample());
        Label tokens = new Label("Tokens: {name} {pipeline} {model} {scale} {ext}");
        tokens.getStyleClass().add("muted");
        CheckBox skip = new CheckBox("Skip inputs whose output exists");
        skip.setId("batch-skip");
        skip.selectedProperty().addListener((o, a, b) -> model.skipExisting(b));
        ComboBox<OverwritePolicy> overwrite = new ComboBox<>();
        overwrite.getItems().setAll(OverwritePolicy.values());
        overwrite.setValue(model.overwrite());
        overwrite.valueProperty().addListener((o, a, b) -> model.overwrite(b));
        skip.selectedProperty().addListener((o, a, b) -> overwrite.setDisable(b));
        CheckBox cont = new CheckBox("Continue after a failed item");
        cont.setId("batch-continue");
        cont.setSelected(model.continueOnError());
        cont.selectedProperty().addListener((o, a, b) -> model.continueOnError(b));

        PipelineChooser chooser = new PipelineChooser(model.choice(), ctx.storeSnapshot());
        Runnable followExample = model.choice().pipeline().onChange(r -> example.setText("e.g. " + model.namingExample()));
        Runnable followModel = model.choice().model().onChange(m -> example.setText("e.g. " + model.namingExample()));

        GridPane g = new GridPane();
        g.setHgap(12);
        g.setVgap(10);
        int r = 0;
        g.add(header("Inputs"), 0, r++, 2, 1);
        g.add(inputs, 0, r++, 2, 1);
        g.add(new HBox(6, addFolder, addFiles, remove, recursive), 0, r++, 2, 1);
        g.add(header("Output"), 0, r++, 2, 1);
        g.addRow(r++, new Label("Folder"), new HBox(6, output, browse));
        g.addRow(r++, new Label("Naming"), new VBox(3, naming, example, tokens));
        g.addRow(r++, new Label("Existing files"), new VBox(6, skip, overwrite));
        g.addRow(r++, new Label("Errors"), cont);
        g.add(chooser, 0, r, 2, 1);
        GridPane.setHgrow(output, Priority.ALWAYS);
        g.getColumnConstraints().addAll(new javafx.scene.layout.ColumnConstraints(110),
                new javafx.scene.layout.ColumnConstraints());
        g.getColumnConstraints().get(1).setHgrow(Priority.ALWAYS);

        ProgressBar bar = new ProgressBar(0);
        bar.setId("batch-progress");
        bar.setMaxWidth(Double.MAX_VALUE);
        Label progress = new Label();
        progress.setId("batch-status");
        progress.setWrapText(true);
        Label error = new Label();
        error.setId("batch-error");
        error.getStyleClass().add("error-text");
        error.setWrapText(true);
        ListView<ItemResult> report = new ListView<>();
        report.setId("batch-report");
        report.setPrefHeight(150);
        report.setCellFactory(v -> new ResultCell());
        Label summary = new Label();
        summary.setId("batch-summary");
        summary.getStyleClass().add("summary");
        Button start = new Button("Start batch");
        start.setId("batch-start");
        start.getStyleClass().add("accent");
        Button cancel = new Button("Cancel batch");
        cancel.setId("batch-cancel");
        cancel.setDisable(true);
        Button close = new Button("Close");
        start.setOnAction(e -> model.start());
        cancel.setOnAction(e -> model.cancel());
        close.setOnAction(e -> stage().close());
        model.running().listen(run -> {
            start.setDisable(run);
            cancel.setDisable(!run);
        });
        model.fraction().listen(f -> bar.setProgress(f));
        model.progressText().listen(progress::setText);
        model.error().listen(err -> error.setText(err == null ? "" : err));
        report.managedProperty().bind(report.visibleProperty());
        bar.managedProperty().bind(bar.visibleProperty());
        summary.managedProperty().bind(summary.visibleProperty());
        model.running().listen(run -> bar.setVisible(run || model.report().get() != null));
        model.report().listen(rep -> {
            report.setVisible(rep != null);
            summary.setVisible(rep != null);
            bar.setVisible(rep != null || model.running().get());
            if (rep == null) {
                report.getItems().clear();
                summary.setText("");
                return;
            }
            // failures first, with their reasons
            report.getItems().setAll(rep.results().stream()
                    .sorted(java.util.Comparator.comparing((ItemResult x) -> x.state() != ItemState.FAILED)).toList());
            summary.setText(rep.summary());
        });
        HBox buttons = new HBox(8, start, cancel, new javafx.scene.layout.Region(), close);
        HBox.setHgrow(buttons.getChildren().get(2), Priority.ALWAYS);
        buttons.setAlignment(Pos.CENTER_LEFT);
        Label title = new Label("Batch");
        title.getStyleClass().add("dialog-title");
        VBox body = new VBox(12, title, g);
        body.setPadding(new Insets(20));
        ScrollPane sp = new ScrollPane(body);
        sp.setFitToWidth(true);
        VBox.setVgrow(sp, Priority.ALWAYS);
        VBox footer = new VBox(8, bar, progress, error, summary, report, buttons);
        footer.setPadding(new Insets(12, 20, 16, 20));
        footer.getStyleClass().add("dialog-footer");
        VBox root = new VBox(sp, footer);
        root.setId("batch-dialog");
        stage = Dialogs.window(owner, "Batch", root, 640, 860, false);
        stage.setOnHidden(e -> {
            chooser.dispose();
            followExample.run();
            followModel.run();
        });
    }

    public BatchModel model() {
        return model;
    }

    public Stage stage() {
        return stage;
    }

    public void show() {
        stage.show();
    }

    private static Label header(String text) {
        Label l = new Label(text.toUpperCase(java.util.Locale.ROOT));
        l.getStyleClass().add("section-header");
        return l;
    }

    private static final class ResultCell extends ListCell<ItemResult> {
        @Override
        protected void updateItem(ItemResult r, boolean empty) {
            super.updateItem(r, empty);
            getStyleClass().removeAll("result-failed", "result-done");
            if (empty || r == null) {
                setText(null);
                return;
            }
            setText(r.state().name().toLowerCase(java.util.Locale.ROOT) + " · " + r.item().input().getFileName()
                    + (r.error() != null ? " — " + r.error() : r.output() != null ? " → " + r.output().getFileName()
                    : ""));
            getStyleClass().add(r.state() == ItemState.FAILED ? "result-failed" : "result-done");
        }
    }

}
