package dev.restora.app.studio.view;

import dev.restora.app.studio.model.PipelineChoice;
import dev.restora.app.studio.model.Prop;
import dev.restora.app.studio.model.StoreSnapshot;
import dev.restora.core.pipeline.ModelOption;
import dev.restora.core.plugins.PipelineRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.layout.VBox;

/**
 * The pipeline / model / parameters chooser of the workspace and the batch dialog: the pipeline (or "automatic" where
 * the choice offers it) with its description, the model with whether its weights are in the store, and the generated
 * parameter form. Edits go to the {@link PipelineChoice}; the store state comes from the published snapshot.
 */
public final class PipelineChooser extends VBox {
    static final String AUTOMATIC = "Automatic · each kind its default pipeline";

    /** A pipeline in the combo box; {@code reg} null is "automatic". */
    record Entry(PipelineRegistry.Registered reg) {
    }

    private final PipelineChoice choice;
    private final Prop<StoreSnapshot> store;
    private final ComboBox<Entry> pipelineBox = new ComboBox<>();
    private final ComboBox<ModelOption> modelBox = new ComboBox<>();
    private final Label description = new Label();
    private final Label modelNote = new Label();
    private final VBox paramsBox = new VBox();
    private final List<Runnable> unsubscribe = new ArrayList<>();
    private final boolean showKind;

    public PipelineChooser(PipelineChoice choice, Prop<StoreSnapshot> store) {
        super(8);
        this.choice = choice;
        this.store = store;
        getStyleClass().add("pipeline-chooser");
        showKind = choice.pipelines().stream().map(r -> r.descriptor().modality()).distinct().count() > 1;
        List<Entry> entries = new ArrayList<>();
        if (choice.offersAutomatic()) {
            entries.add(new Entry(null));
        }
        choice.pipelines().forEach(r -> entries.add(new Entry(r)));
        pipelineBox.getItems().setAll(entries);
        pipelineBox.setId("pipeline-box");
        pipelineBox.setMaxWidth(Double.MAX_VALUE);
        pipelineBox.setCellFactory(v -> new EntryCell());
        pipelineBox.setButtonCell(new EntryCell());
        pipelineBox.valueProperty().addListener((o, a, b) -> {
            if (b != null && b.reg() != choice.pipeline().get()) {
                choice.select(b.reg());
            }
        });
        description.setWrapText(true);
        description.getStyleClass().add("muted");
        modelBox.setId("model-box");
        modelBox.setMaxWidth(Double.MAX_VALUE);
        modelBox.setCellFactory(v -> new ModelCell());
        modelBox.setButtonCell(new ModelCell());
        modelBox.valueProperty().addListener((o, a, b) -> {
            if (b != null && b != choice.model().get()) {
                choice.selectModel(b);
            }
        });
        modelNote.setId("model-note");
        modelNote.setWrapText(true);
        modelNote.getStyleClass().add("muted");
        Label modelHeader = header("Model");
        modelHeader.managedProperty().bind(modelBox.managedProperty());
        modelHeader.visibleProperty().bind(modelBox.visibleProperty());
        modelBox.managedProperty().bind(modelBox.visibleProperty());
        modelNote.managedProperty().bind(modelNote.visibleProperty());
        Label paramsHeader = header("Parameters");
        paramsBox.managedProperty().bind(paramsBox.visibleProperty());
        paramsHeader.managedProperty().bind(paramsBox.visibleProperty());
        paramsHeader.visibleProperty().bind(paramsBox.visibleProperty());
        getChildren().addAll(header("Pipeline"), pipelineBox, description, modelHeader, modelBox, modelNote,
                paramsHeader, paramsBox);
        unsubscribe.add(choice.pipeline().listen(this::showPipeline));
        unsubscribe.add(choice.model().listen(m -> {
            modelBox.setValue(m);
            showModelNote();
        }));
        unsubscribe.add(choice.form().listen(f -> paramsBox.getChildren().setAll(new ParameterFormView(f))));
        unsubscribe.add(store.onChange(s -> {
            showModelNote();
            modelBox.setButtonCell(new ModelCell()); // re-render "(download needed)"
        }));
    }

    private void showPipeline(PipelineRegistry.Registered r) {
        Entry e = pipelineBox.getItems().stream().filter(x -> x.reg() == r).findFirst().orElse(null);
        pipelineBox.setValue(e);
        boolean auto = r == null;
        description.setText(auto ? (choice.offersAutomatic() ? "Images and recordings each go to their kind's "
                + "default pipeline, with its default model and parameters." : "") : r.descriptor().description());
        modelBox.getItems().setAll(choice.models());
        modelBox.setVisible(!auto);
        modelNote.setVisible(!auto);
        paramsBox.setVisible(!auto);
    }

    private void showModelNote() {
        ModelOption m = choice.model().get();
        if (m == null) {
            modelNote.setText("");
            return;
        }
        modelNote.setText((m.description() == null ? "" : m.description())
                + (store.get().available(m) ? "" : "\nWeights missing: download them in Tools › Models."));
    }

    static Label header(String text) {
        Label l = new Label(text.toUpperCase(Locale.ROOT));
        l.getStyleClass().add("section-header");
        return l;
    }

    /** Stops following the choice and the store. */
    public void dispose() {
        unsubscribe.forEach(Runnable::run);
    }

    /** Pipeline cell: the display name (and the kind when the list mixes kinds), or "automatic". */
    private final class EntryCell extends ListCell<Entry> {
        @Override
        protected void updateItem(Entry e, boolean empty) {
            super.updateItem(e, empty);
            if (empty || e == null) {
                setText(null);
                return;
            }
            PipelineRegistry.Registered r = e.reg();
            setText(r == null ? AUTOMATIC : r.descriptor().displayName() + (showKind ? " · "
                    + r.descriptor().modality().name().toLowerCase(Locale.ROOT) : ""));
        }
    }

    /** Model cell: the display name, the scale, and whether a download is needed. */
    private final class ModelCell extends ListCell<ModelOption> {
        @Override
        protected void updateItem(ModelOption m, boolean empty) {
            super.updateItem(m, empty);
            if (empty || m == null) {
                setText(null);
                return;
            }
            setText(m.displayName() + (m.scale() > 1 ? "  ·  ×" + m.scale() : "")
                    + (store.get().available(m) ? "" : "  (download needed)"));
        }
    }
}
