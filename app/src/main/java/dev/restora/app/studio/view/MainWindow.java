package dev.restora.app.studio.view;

import dev.restora.app.studio.model.OpenProblem;
import dev.restora.app.studio.model.StudioContext;
import dev.restora.app.studio.model.StudioModel;
import dev.restora.app.studio.model.StudioSettings;
import dev.restora.app.studio.model.WorkspaceModel;
import dev.restora.core.pipeline.Media;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.image.Image;
import javafx.scene.input.Clipboard;
import javafx.scene.input.DataFormat;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Stage;

/**
 * The studio's main window: menus, the opened items on the left (with the files that could not be opened and why),
 * the selected item's workspace in the middle, the job queue below. Files and folders can be dropped anywhere on it.
 */
public final class MainWindow extends BorderPane {
    private final StudioModel model;
    private final StudioContext ctx;
    private final Stage stage;
    private final ListView<WorkspaceModel> itemList = new ListView<>();
    private final ListView<OpenProblem> problemList = new ListView<>();
    private final VBox problemsBox;
    private final StackPane workspaceHolder = new StackPane();
    private final QueuePanel queuePanel;
    private final SplitPane vertical = new SplitPane();
    private final Map<WorkspaceModel, WorkspaceView> views = new HashMap<>();
    private final Menu recentMenu = new Menu("Open recent");
    private final Label engineStatus = new Label("Starting the engine…");
    private final Node welcome;

    public MainWindow(StudioModel model, Stage stage) {
        this.model = model;
        this.ctx = model.context();
        this.stage = stage;
        getStyleClass().add("main-window");
        setId("main-window");
        queuePanel = new QueuePanel(ctx.queue());
        welcome = welcome();

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
        Label problemsTitle = new Label("Could not open");
        problemsTitle.getStyleClass().add("section-header");
        Region g = new Region();
        HBox.setHgrow(g, Priority.ALWAYS);
        HBox problemsBar = new HBox(problemsTitle, g, clearProblems);
        problemsBar.setAlignment(Pos.CENTER_LEFT);
        problemsBox = new VBox(6, problemsBar, problemList);
        problemsBox.getStyleClass().add("problems-box");
        Label itemsTitle = new Label("Opened");
        itemsTitle.getStyleClass().add("section-header");
        Button open = new Button("Open…");
        open.setGraphic(Icons.of(Icons.OPEN, 14));
        open.setId("open-button");
        open.setOnAction(e -> openFiles());
        Region g2 = new Region();
        HBox.setHgrow(g2, Priority.ALWAYS);
        HBox itemsBar = new HBox(itemsTitle, g2, open);
        itemsBar.setAlignment(Pos.CENTER_LEFT);
        VBox left = new VBox(8, itemsBar, itemList, problemsBox);
        VBox.setVgrow(itemList, Priority.ALWAYS);
        left.getStyleClass().add("left-panel");
        left.setPrefWidth(250);
        left.setMinWidth(200);

        workspaceHolder.getStyleClass().add("workspace-holder");
        SplitPane horizontal = new SplitPane(left, workspaceHolder);
        horizontal.setDividerPositions(0.18);
        SplitPane.setResizableWithParent(left, false);
        vertical.setOrientation(Orientation.VERTICAL);
        vertical.getItems().addAll(horizontal, queuePanel);
        vertical.setDividerPositions(0.78);
        SplitPane.setResizableWithParent(queuePanel, false);

        setTop(menus());
        setCenter(vertical);
        HBox statusBar = new HBox(12, engineStatus);
        statusBar.getStyleClass().add("status-bar");
        setBottom(statusBar);
        bind();
        installDragAndDrop();
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

    private MenuBar menus() {
        Menu file = new Menu("File");
        file.getItems().addAll(item(Shortcuts.OPEN, this::openFiles), item(Shortcuts.OPEN_FOLDER, this::openFolder),
                recentMenu, item(Shortcuts.PASTE, this::paste), new SeparatorMenuItem(),
                item(Shortcuts.SAVE, () -> {
                    WorkspaceView v = currentView();
                    if (v != null) {
                        v.saveQuick();
                    }
                }), item(Shortcuts.CLOSE, () -> {
                    WorkspaceModel w = model.selected().get();
                    if (w != null) {
                        model.close(w);
                    }
                }), new SeparatorMenuItem(), item(Shortcuts.BATCH, this::openBatch), new SeparatorMenuItem(),
                item(Shortcuts.QUIT, stage::close));
        Menu run = new Menu("Run");
        run.getItems().addAll(item(Shortcuts.RUN, () -> withSelected(WorkspaceModel::run)),
                item(Shortcuts.CANCEL, () -> withSelected(WorkspaceModel::cancel)),
                item(Shortcuts.FINISH, () -> withSelected(WorkspaceModel::finishEarly)));
        Menu view = new Menu("View");
        view.getItems().addAll(item(Shortcuts.FIT, () -> withImage(ImageCompareView::fit)),
                item(Shortcuts.ONE, () -> withImage(ImageCompareView::oneToOne)),
                item(Shortcuts.SPLIT, () -> withImage(v -> v.setMode(v.mode() == ImageCompareView.Mode.SPLIT
                        ? ImageCompareView.Mode.SIDE_BY_SIDE : ImageCompareView.Mode.SPLIT))),
                new SeparatorMenuItem(), item(Shortcuts.QUEUE, this::toggleQueue),
                item(Shortcuts.NEXT, () -> step(1)), item(Shortcuts.PREVIOUS, () -> step(-1)));
        Menu tools = new Menu("Tools");
        tools.getItems().addAll(item(Shortcuts.MODELS, this::openModels), item(Shortcuts.SETTINGS, this::openSettings));
        Menu help = new Menu("Help");
        MenuItem about = new MenuItem("About Restora Studio");
        about.setOnAction(e -> new AboutDialog(ctx, stage).show());
        help.getItems().addAll(item(Shortcuts.HELP, () -> new ShortcutsSheet(stage).show()), about);
        MenuBar bar = new MenuBar(file, run, view, tools, help);
        bar.setUseSystemMenuBar(true);
        return bar;
    }

    private static MenuItem item(Shortcuts.Shortcut s, Runnable action) {
        MenuItem m = new MenuItem(s.action());
        m.setAccelerator(s.keys());
        m.setOnAction(e -> action.run());
        return m;
    }

    private void withSelected(java.util.function.Consumer<WorkspaceModel> a) {
        WorkspaceModel w = model.selected().get();
        if (w != null) {
            a.accept(w);
        }
    }

    private void withImage(java.util.function.Consumer<ImageCompareView> a) {
        WorkspaceView v = currentView();
        if (v != null && v.imageView() != null) {
            a.accept(v.imageView());
        }
    }

    private void step(int by) {
        List<WorkspaceModel> all = model.items().get();
        if (all.isEmpty()) {
            return;
        }
        int i = all.indexOf(model.selected().get());
        model.select(all.get(Math.floorMod(i + by, all.size())));
    }

    private void toggleQueue() {
        if (vertical.getItems().contains(queuePanel)) {
            vertical.getItems().remove(queuePanel);
        } else {
            vertical.getItems().add(queuePanel);
            vertical.setDividerPositions(0.78);
        }
    }

    private void bind() {
        model.items().listen(items -> {
            itemList.getItems().setAll(items);
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
            itemList.getSelectionModel().select(w);
            WorkspaceView v = views.computeIfAbsent(w, k -> new WorkspaceView(k, ctx.background(),
                    ctx.settings().get(), ctx.settings()::save));
            workspaceHolder.getChildren().setAll(v);
            stage.setTitle(w.item().name() + " — Restora Studio");
        });
        model.problems().listen(p -> {
            problemList.getItems().setAll(p);
            problemsBox.setVisible(!p.isEmpty());
            problemsBox.setManaged(!p.isEmpty());
        });
        model.recent().listen(this::updateRecent);
        ctx.queue().poolError().listen(err -> {
            if (err != null) {
                engineStatus.setText(err);
                engineStatus.getStyleClass().add("error-text");
            }
        });
        ctx.queue().rows().listen(r -> {
            if (ctx.queue().poolError().get() == null) {
                engineStatus.setText(ctx.queue().pool() == null ? "Starting the engine…" : "Ready · "
                        + deviceText() + (Boolean.TRUE.equals(ctx.queue().paused().get()) ? " · queue paused" : ""));
            }
        });
        ctx.queue().paused().onChange(p -> engineStatus.setText("Ready · " + deviceText()
                + (Boolean.TRUE.equals(p) ? " · queue paused" : "")));
    }

    private String deviceText() {
        return ctx.queue().deviceSummary();
    }

    private void updateRecent(List<String> recent) {
        recentMenu.getItems().clear();
        for (String r : recent) {
            MenuItem m = new MenuItem(r);
            m.setMnemonicParsing(false);
            m.setOnAction(e -> model.open(List.of(Path.of(r))));
            recentMenu.getItems().add(m);
        }
        if (recent.isEmpty()) {
            MenuItem none = new MenuItem("No recent files");
            none.setDisable(true);
            recentMenu.getItems().add(none);
        } else {
            MenuItem clear = new MenuItem("Clear recent files");
            clear.setOnAction(e -> model.clearRecent());
            recentMenu.getItems().addAll(new SeparatorMenuItem(), clear);
        }
    }

    private void installDragAndDrop() {
        setOnDragOver(e -> {
            if (e.getDragboard().hasFiles()) {
                e.acceptTransferModes(TransferMode.COPY);
                if (!getStyleClass().contains("drag-over")) {
                    getStyleClass().add("drag-over");
                }
            }
            e.consume();
        });
        setOnDragExited(e -> getStyleClass().remove("drag-over"));
        setOnDragDropped(e -> {
            boolean ok = false;
            if (e.getDragboard().hasFiles()) {
                model.open(e.getDragboard().getFiles().stream().map(File::toPath).toList());
                ok = true;
            }
            getStyleClass().remove("drag-over");
            e.setDropCompleted(ok);
            e.consume();
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
        if (getScene() != null && getScene().getFocusOwner() instanceof javafx.scene.control.TextInputControl t) {
            t.paste(); // the accelerator must not take Ctrl+V away from text fields
            return;
        }
        Clipboard cb = Clipboard.getSystemClipboard();
        if (cb.hasFiles()) {
            model.open(cb.getFiles().stream().map(File::toPath).toList());
        } else if (cb.hasImage()) {
            Image img = cb.getImage();
            model.openImage(FxImages.toBuffer(img));
        } else if (cb.hasString() && Files.exists(Path.of(cb.getString().trim()))) {
            model.open(List.of(Path.of(cb.getString().trim())));
        } else if (cb.hasContent(DataFormat.URL)) {
            model.problems().set(List.of(new OpenProblem(null, "the clipboard holds a link, not an image")));
        }
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

    /** Item list cell: kind icon, name, summary and run state (followed live). */
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
            name.setTextOverrun(javafx.scene.control.OverrunStyle.CENTER_ELLIPSIS);
            Label sub = new Label(w.item().summary());
            sub.setMaxWidth(170);
            sub.getStyleClass().add("item-sub");
            Label state = new Label();
            state.getStyleClass().add("item-state");
            state.managedProperty().bind(state.visibleProperty());
            unsubscribe = w.state().listen(st -> {
                state.setVisible(st != WorkspaceModel.RunState.IDLE);
                state.setText(st.name().toLowerCase(java.util.Locale.ROOT));
                state.getStyleClass().removeIf(c -> c.startsWith("item-state-"));
                state.getStyleClass().add("item-state-" + st.name().toLowerCase(java.util.Locale.ROOT));
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
            HBox box = new HBox(6, Icons.of(Icons.WARN, 14), l);
            setGraphic(box);
            setText(null);
        }
    }

    /** A one-line notice in the status bar (e.g. the restored queue). */
    public void notice(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("notice");
        l.setId("notice");
        ((HBox) getBottom()).getChildren().add(l);
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
