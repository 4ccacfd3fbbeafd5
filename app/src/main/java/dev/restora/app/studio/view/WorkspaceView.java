package dev.restora.app.studio.view;

import dev.restora.app.studio.audio.AudioOutput;
import dev.restora.app.studio.model.AudioAnalysis;
import dev.restora.app.studio.model.Pixels;
import dev.restora.app.studio.model.RunProgress;
import dev.restora.app.studio.model.StudioSettings;
import dev.restora.app.studio.model.WorkspaceModel;
import dev.restora.app.studio.model.WorkspaceModel.RunState;
import dev.restora.audio.AudioClip;
import dev.restora.core.diffusion.PreviewFrame;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.pipeline.Media;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;

/**
 * One item's workspace: the comparison (image split/side by side, or speech waveforms and spectrograms) with the live
 * preview, the step strip and progress below it, and on the right the pipeline, model, parameters and run buttons.
 */
public final class WorkspaceView extends BorderPane {
    private final WorkspaceModel model;
    private final Executor background;
    private final Runnable onPreviewPolicyChanged;
    private final StudioSettings settings;
    private final List<Runnable> unsubscribe = new ArrayList<>();
    private final ImageCompareView imageView;
    private final AudioCompareView audioView;
    private final ProgressBar progress = new ProgressBar(0);
    private final Label status = new Label();
    private final Label device = new Label();
    private final Button run = new Button("Run");
    private final Button cancel = new Button("Cancel");
    private final Button finish = new Button("Finish early");
    private final Button save = new Button("Save result…");
    private final CheckBox fastPreview = new CheckBox("Fast preview (approximate)");
    private final PipelineChooser chooser;

    public WorkspaceView(WorkspaceModel model, Executor background, StudioSettings settings,
                         Runnable onPreviewPolicyChanged, AudioOutput audioOutput) {
        this.model = model;
        this.background = background;
        this.settings = settings;
        this.onPreviewPolicyChanged = onPreviewPolicyChanged;
        getStyleClass().add("workspace");
        boolean image = model.item().media() instanceof Media.Image;
        imageView = image ? new ImageCompareView() : null;
        audioView = image ? null : new AudioCompareView(background, audioOutput);
        chooser = new PipelineChooser(model.choice(), model.store());
        unsubscribe.add(chooser::dispose);
        setCenter(center());
        setRight(side());
        bind();
    }

    public WorkspaceModel model() {
        return model;
    }

    public ImageCompareView imageView() {
        return imageView;
    }

    /** The "Fast preview (approximate)" toggle (shown for pipelines that offer the preset). */
    public CheckBox fastPreviewToggle() {
        return fastPreview;
    }

    public AudioCompareView audioView() {
        return audioView;
    }

    private VBox center() {
        StackPane stage = new StackPane(imageView != null ? imageView : audioView);
        stage.getStyleClass().add("stage");
        VBox.setVgrow(stage, Priority.ALWAYS);
        HBox toolbar = new HBox(6);
        toolbar.getStyleClass().add("view-toolbar");
        toolbar.setAlignment(Pos.CENTER_LEFT);
        Label title = new Label(model.item().name());
        title.getStyleClass().add("item-title");
        title.setMinWidth(60);
        title.setTextOverrun(javafx.scene.control.OverrunStyle.CENTER_ELLIPSIS);
        Label summary = new Label(model.item().summary());
        summary.getStyleClass().add("muted");
        summary.setMinWidth(javafx.scene.control.Control.USE_PREF_SIZE);
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        toolbar.getChildren().addAll(title, summary, grow);
        if (imageView != null) {
            ToggleGroup modes = new ToggleGroup();
            ToggleButton split = segment("Split", modes, ImageCompareView.Mode.SPLIT);
            ToggleButton side = segment("Side by side", modes, ImageCompareView.Mode.SIDE_BY_SIDE);
            ToggleButton single = segment("Result", modes, ImageCompareView.Mode.SINGLE);
            split.setSelected(true);
            imageView.setOnModeChanged(m -> (m == ImageCompareView.Mode.SPLIT ? split
                    : m == ImageCompareView.Mode.SIDE_BY_SIDE ? side : single).setSelected(true));
            split.setId("mode-split");
            side.setId("mode-side");
            Button fit = new Button("Fit");
            fit.setGraphic(Icons.of(Icons.FIT, 14));
            fit.setOnAction(e -> imageView.fit());
            fit.setId("zoom-fit");
            Button one = new Button("1:1");
            one.setOnAction(e -> imageView.oneToOne());
            one.setId("zoom-1");
            Button in = new Button("+");
            in.setOnAction(e -> imageView.zoom(1.25));
            Button out = new Button("−");
            out.setOnAction(e -> imageView.zoom(0.8));
            HBox seg = new HBox(split, side, single);
            seg.getStyleClass().add("segmented");
            for (javafx.scene.control.Control c : List.of(split, side, single, fit, one, in, out)) {
                c.setMinWidth(javafx.scene.control.Control.USE_PREF_SIZE);
            }
            seg.setMinWidth(javafx.scene.control.Control.USE_PREF_SIZE);
            toolbar.getChildren().addAll(seg, sep(), fit, one, out, in);
            ImageBuffer in0 = ((Media.Image) model.item().media()).image();
            // a large input takes a while to convert: off the UI thread, shown when ready
            model.convert(() -> FxImages.of(Pixels.of(in0)), img -> imageView.setBefore(img, "Before"));
            unsubscribe.add(model.model().listen(m -> {
                int s = m == null ? 1 : m.scale();
                imageView.setContentSize(in0.width() * (double) s, in0.height() * (double) s);
            }));
        } else {
            AudioClip clip = ((Media.Audio) model.item().media()).clip();
            model.convert(() -> AudioAnalysis.mono(clip), mono -> audioView.setInput(mono, clip.sampleRate()));
        }
        CheckBox previews = new CheckBox("Live previews");
        previews.setId("previews-toggle");
        previews.setSelected(settings.previews != StudioSettings.PreviewMode.OFF);
        previews.setTooltip(new Tooltip("Show the predicted clean result at each step (applies to the next run)"));
        previews.selectedProperty().addListener((o, a, b) -> {
            settings.previews = b ? StudioSettings.PreviewMode.THROTTLED : StudioSettings.PreviewMode.OFF;
            onPreviewPolicyChanged.run();
        });
        StepStrip strip = new StepStrip(model);
        unsubscribe.add(strip::dispose);
        progress.setMaxWidth(Double.MAX_VALUE);
        progress.setId("run-progress");
        HBox.setHgrow(progress, Priority.ALWAYS);
        status.setId("run-status");
        status.getStyleClass().add("status-text");
        device.getStyleClass().add("chip");
        HBox statusRow = new HBox(10, status, new Region(), previews, device);
        HBox.setHgrow(statusRow.getChildren().get(1), Priority.ALWAYS);
        statusRow.setAlignment(Pos.CENTER_LEFT);
        VBox bottom = new VBox(6, progress, statusRow, strip);
        bottom.getStyleClass().add("run-footer");
        bottom.setMinHeight(Region.USE_PREF_SIZE);
        stage.setMinHeight(160);
        javafx.scene.shape.Rectangle clip = new javafx.scene.shape.Rectangle();
        clip.widthProperty().bind(stage.widthProperty());
        clip.heightProperty().bind(stage.heightProperty());
        stage.setClip(clip);
        VBox box = new VBox(toolbar, stage, bottom);
        box.getStyleClass().add("workspace-center");
        return box;
    }

    private ToggleButton segment(String text, ToggleGroup g, ImageCompareView.Mode mode) {
        ToggleButton b = new ToggleButton(text);
        b.setToggleGroup(g);
        b.getStyleClass().add("segment");
        b.setOnAction(e -> {
            if (!b.isSelected()) {
                b.setSelected(true);
            }
            imageView.setMode(mode);
        });
        return b;
    }

    private static Region sep() {
        Region r = new Region();
        r.getStyleClass().add("toolbar-sep");
        return r;
    }

    private BorderPane side() {
        run.setId("run-button");
        run.getStyleClass().add("accent");
        run.setGraphic(Icons.of(Icons.PLAY, 14));
        run.setMaxWidth(Double.MAX_VALUE);
        run.setOnAction(e -> model.run());
        cancel.setId("cancel-button");
        cancel.setGraphic(Icons.of(Icons.STOP, 14));
        cancel.setOnAction(e -> model.cancel());
        finish.setId("finish-button");
        finish.setGraphic(Icons.of(Icons.FLAG, 14));
        finish.setOnAction(e -> model.finishEarly());
        save.setId("save-button");
        save.setGraphic(Icons.of(Icons.SAVE, 14));
        save.setMaxWidth(Double.MAX_VALUE);
        save.setOnAction(e -> saveAs());
        HBox.setHgrow(cancel, Priority.ALWAYS);
        HBox.setHgrow(finish, Priority.ALWAYS);
        cancel.setMaxWidth(Double.MAX_VALUE);
        finish.setMaxWidth(Double.MAX_VALUE);
        HBox stopRow = new HBox(6, cancel, finish);
        fastPreview.setId("fast-preview-toggle");
        fastPreview.setTooltip(new Tooltip("A quick approximate listen: the speech pipeline's fast-preview preset "
                + "(fewer steps, no corrector; several times faster on a CPU, the output differs from the exact "
                + "run's). Off: the exact default."));
        fastPreview.managedProperty().bind(fastPreview.visibleProperty());
        fastPreview.selectedProperty().addListener((o, a, b) -> {
            if (b != model.fastPreview().get()) {
                model.setFastPreview(b);
            }
        });
        VBox actions = new VBox(8, fastPreview, run, stopRow, save);
        actions.getStyleClass().add("actions");
        VBox side = new VBox(chooser);
        side.getStyleClass().add("side-panel");
        side.setPadding(new Insets(16));
        ScrollPane sp = new ScrollPane(side);
        sp.setFitToWidth(true);
        sp.getStyleClass().add("side-scroll");
        actions.setPadding(new Insets(12, 16, 16, 16));
        BorderPane panel = new BorderPane(sp);
        panel.setBottom(actions);
        panel.getStyleClass().add("side-container");
        panel.setPrefWidth(330);
        panel.setMinWidth(280);
        return panel;
    }

    private void bind() {
        unsubscribe.add(model.state().listen(s -> updateButtons()));
        unsubscribe.add(model.result().listen(r -> updateButtons()));
        unsubscribe.add(model.status().listen(status::setText));
        unsubscribe.add(model.form().listen(f -> fastPreview.setVisible(model.offersFastPreview())));
        unsubscribe.add(model.fastPreview().listen(on -> {
            fastPreview.setSelected(on);
            run.setText(on ? "Run fast preview" : "Run");
        }));
        unsubscribe.add(model.progress().listen(p -> {
            RunState s = model.state().get();
            progress.setProgress(s == RunState.QUEUED || s == RunState.RUNNING && p.steps() == 0
                    ? ProgressBar.INDETERMINATE_PROGRESS : p.fraction());
            device.setText(p.device().isEmpty() ? "" : p.device().toUpperCase(java.util.Locale.ROOT));
        }));
        unsubscribe.add(model.preview().listen(this::showPreview));
        unsubscribe.add(model.result().listen(this::showResult));
    }

    private void updateButtons() {
        RunState s = model.state().get();
        boolean busy = s == RunState.QUEUED || s == RunState.RUNNING;
        run.setDisable(busy || model.pipeline().get() == null);
        cancel.setDisable(!busy);
        finish.setDisable(s != RunState.RUNNING);
        save.setDisable(model.result().get() == null);
        chooser.setDisable(busy);
        if (s == RunState.QUEUED) {
            progress.setProgress(ProgressBar.INDETERMINATE_PROGRESS);
        } else if (s == RunState.RUNNING && model.progress().get().steps() == 0) {
            progress.setProgress(ProgressBar.INDETERMINATE_PROGRESS);
        } else if (s == RunState.DONE) {
            progress.setProgress(1);
        } else if (s != RunState.RUNNING) {
            progress.setProgress(0);
        }
    }

    private void showPreview(PreviewFrame f) {
        if (f == null) {
            return;
        }
        if (imageView != null) {
            imageView.setAfter(FxImages.of(Pixels.of(f)), model.isBusy() ? "Step preview" : "Step "
                    + labelOf(f));
        } else if (f instanceof PreviewFrame.Spectrogram s) {
            audioView.setPreview(s);
        }
    }

    private static String labelOf(PreviewFrame f) {
        return f.label();
    }

    private void showResult(Media r) {
        if (r == null) {
            if (imageView != null) {
                imageView.setAfter(null, "After");
            } else {
                audioView.setOutput(null);
            }
            return;
        }
        if (r instanceof Media.Image img && imageView != null) {
            model.convert(() -> FxImages.of(Pixels.of(img.image())), fx -> {
                if (model.result().get() == r) {
                    imageView.setAfter(fx, "After");
                }
            });
        } else if (r instanceof Media.Audio audio && audioView != null) {
            AudioClip in = ((Media.Audio) model.item().media()).clip();
            String title = model.resultIsPreview().get() ? "Output · fast preview (approximate)" : "Output";
            model.convert(() -> AudioAnalysis.align(AudioAnalysis.mono(audio.clip()), audio.clip().sampleRate(),
                    in.sampleRate(), in.frames()), aligned -> audioView.setOutput(aligned, title));
        }
    }

    private void saveAs() {
        if (model.result().get() == null) {
            return;
        }
        FileChooser fc = new FileChooser();
        fc.setTitle("Save result");
        java.nio.file.Path suggested = model.suggestedOutput();
        fc.setInitialFileName(suggested.getFileName().toString());
        if (suggested.getParent() != null && java.nio.file.Files.isDirectory(suggested.getParent())) {
            fc.setInitialDirectory(suggested.getParent().toFile());
        }
        java.io.File f = fc.showSaveDialog(getScene().getWindow());
        if (f != null) {
            model.save(f.toPath());
        }
    }

    /** Saves to the suggested place without asking (Ctrl+S when a default output folder is set). */
    public void saveQuick() {
        if (model.result().get() != null) {
            model.save(model.suggestedOutput());
        }
    }

    public void dispose() {
        unsubscribe.forEach(Runnable::run);
        if (audioView != null) {
            audioView.stop();
        }
    }
}
