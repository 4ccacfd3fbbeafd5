package dev.restora.app.studio.view;

import dev.restora.app.studio.model.StudioContext;
import dev.restora.app.studio.model.StudioModel;
import dev.restora.app.studio.model.StudioSettings;
import dev.restora.app.studio.model.WorkspaceModel;
import java.io.File;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Stage;

/**
 * The studio's main window, laid out from its regions: the menu bar ({@link StudioMenus}), the opened items on the
 * left ({@link ItemsPanel}), the selected item's {@link WorkspaceView} (or the welcome) in the middle, the
 * {@link QueuePanel} below and the {@link StatusBar}. Files and folders can be dropped anywhere on it
 * ({@link DropAndPaste}). The regions talk to the view models only.
 */
public final class MainWindow extends BorderPane {
    private final StudioModel model;
    private final StudioContext ctx;
    private final Stage stage;
    private final StackPane workspaceHolder = new StackPane();
    private final QueuePanel queuePanel;
    private final SplitPane vertical = new SplitPane();
    private final Map<WorkspaceModel, WorkspaceView> views = new HashMap<>();
    private final StatusBar statusBar;
    private final DropAndPaste dropAndPaste;
    private final Node welcome;

    public MainWindow(StudioModel model, Stage stage) {
        this.model = model;
        this.ctx = model.context();
        this.stage = stage;
        getStyleClass().add("main-window");
        setId("main-window");
        queuePanel = new QueuePanel(ctx.queue());
        statusBar = new StatusBar(ctx.queue());
        dropAndPaste = new DropAndPaste(model);
        welcome = welcome();
        ItemsPanel left = new ItemsPanel(model, this::openFiles);
        workspaceHolder.getStyleClass().add("workspace-holder");
        SplitPane horizontal = new SplitPane(left, workspaceHolder);
        horizontal.setDividerPositions(0.18);
        SplitPane.setResizableWithParent(left, false);
        vertical.setOrientation(Orientation.VERTICAL);
        vertical.getItems().addAll(horizontal, queuePanel);
        vertical.setDividerPositions(0.78);
        SplitPane.setResizableWithParent(queuePanel, false);
        setTop(new StudioMenus(this, model).build(stage));
        setCenter(vertical);
        setBottom(statusBar);
        bind();
        dropAndPaste.install(this);
    }

    public StudioModel model() {
        return model;
    }

    public QueuePanel queuePanel() {
        return queuePanel;
    }

    /** The view of the selected item, or null. */
    public WorkspaceView currentView() {
        WorkspaceModel w = model.selected().get();
        return w == null ? null : views.get(w);
    }

    private Node welcome() {
        Label title = new Label("Restora Studio");
        title.getStyleClass().add("welcome-title");
        Label sub = new Label("Drop images or recordings here — or a whole folder.");
        sub.getStyleClass().add("welcome-sub");
        Label hint = new Label("PNG · JPEG · TIFF · WebP · WAV · FLAC      Paste an image with "
                + Shortcuts.PASTE.text());
        hint.getStyleClass().add("muted");
        Button open = new Button("Open files…");
        open.getStyleClass().add("accent");
        open.setGraphic(Icons.of(Icons.OPEN, 16));
        open.setOnAction(e -> openFiles());
        Button batch = new Button("Batch a folder…");
        batch.setGraphic(Icons.of(Icons.BATCH, 16));
        batch.setOnAction(e -> openBatch());
        HBox buttons = new HBox(10, open, batch);
        buttons.setAlignment(Pos.CENTER);
        VBox drop = new VBox(14, Icons.of(Icons.IMAGE, 56), title, sub, buttons, hint);
        drop.setAlignment(Pos.CENTER);
        drop.getStyleClass().add("drop-zone");
        drop.setMaxSize(620, 340);
        StackPane p = new StackPane(drop);
        p.getStyleClass().add("welcome");
        return p;
    }

    void toggleQueue() {
        if (vertical.getItems().contains(queuePanel)) {
            vertical.getItems().remove(queuePanel);
        } else {
            vertical.getItems().add(queuePanel);
            vertical.setDividerPositions(0.78);
        }
    }

    private void bind() {
        model.items().listen(items -> {
            views.keySet().removeIf(w -> {
                if (!items.contains(w)) {
                    views.get(w).dispose();
                    return true;
                }
                return false;
            });
            if (items.isEmpty()) {
                workspaceHolder.getChildren().setAll(welcome);
            }
        });
        model.selected().listen(w -> {
            if (w == null) {
                workspaceHolder.getChildren().setAll(welcome);
                return;
            }
            WorkspaceView v = views.computeIfAbsent(w, k -> new WorkspaceView(k, ctx.background(),
                    ctx.settings().get(), ctx.settings()::save, ctx.audioOutput()));
            workspaceHolder.getChildren().setAll(v);
            stage.setTitle(w.item().name() + " — Restora Studio");
        });
    }

    public void openFiles() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Open images or recordings");
        fc.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("Images and recordings", "*.png", "*.jpg", "*.jpeg", "*.tif",
                        "*.tiff", "*.webp", "*.bmp", "*.gif", "*.wav", "*.flac"),
                new FileChooser.ExtensionFilter("All files", "*.*"));
        List<File> files = fc.showOpenMultipleDialog(stage);
        if (files != null) {
            model.open(files.stream().map(File::toPath).toList());
        }
    }

    public void openFolder() {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Open a folder");
        File f = dc.showDialog(stage);
        if (f != null) {
            model.open(List.of(f.toPath()));
        }
    }

    /** Opens the clipboard's image, or the files copied to it. */
    public void paste() {
        dropAndPaste.paste(getScene());
    }

    public BatchDialog openBatch() {
        BatchDialog d = new BatchDialog(ctx, stage);
        d.show();
        return d;
    }

    public ModelManagerView openModels() {
        ModelManagerView v = new ModelManagerView(ctx, stage);
        v.show();
        return v;
    }

    public void openSettings() {
        new SettingsDialog(ctx, stage, () -> Theme.apply(getScene(), ctx.settings().get().theme)).show();
    }

    /** A one-line notice in the status bar (e.g. the restored queue). */
    public void notice(String text) {
        statusBar.notice(text);
    }

    /** Applies the theme setting. */
    public void applyTheme() {
        Theme.apply(getScene(), ctx.settings().get().theme);
    }

    static boolean isDark(StudioSettings s) {
        return s.theme == StudioSettings.Theme.DARK || s.theme == StudioSettings.Theme.SYSTEM
                && Theme.systemPrefersDark();
    }
}
