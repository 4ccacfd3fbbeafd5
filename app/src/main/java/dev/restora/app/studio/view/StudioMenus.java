package dev.restora.app.studio.view;

import dev.restora.app.studio.model.StudioModel;
import dev.restora.app.studio.model.WorkspaceModel;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.stage.Stage;

/** The main window's menu bar (the system menu bar where there is one) with the recent files. */
final class StudioMenus {
    private final MainWindow window;
    private final StudioModel model;
    private final Menu recentMenu = new Menu("Open recent");

    StudioMenus(MainWindow window, StudioModel model) {
        this.window = window;
        this.model = model;
    }

    MenuBar build(Stage stage) {
        Menu file = new Menu("File");
        file.getItems().addAll(item(Shortcuts.OPEN, window::openFiles), item(Shortcuts.OPEN_FOLDER,
                        window::openFolder), recentMenu, item(Shortcuts.PASTE, window::paste), new SeparatorMenuItem(),
                item(Shortcuts.SAVE, () -> {
                    WorkspaceView v = window.currentView();
                    if (v != null) {
                        v.saveQuick();
                    }
                }), item(Shortcuts.CLOSE, () -> withSelected(model::close)), new SeparatorMenuItem(),
                item(Shortcuts.BATCH, window::openBatch), new SeparatorMenuItem(), item(Shortcuts.QUIT, stage::close));
        Menu run = new Menu("Run");
        run.getItems().addAll(item(Shortcuts.RUN, () -> withSelected(WorkspaceModel::run)),
                item(Shortcuts.CANCEL, () -> withSelected(WorkspaceModel::cancel)),
                item(Shortcuts.FINISH, () -> withSelected(WorkspaceModel::finishEarly)));
        Menu view = new Menu("View");
        view.getItems().addAll(item(Shortcuts.FIT, () -> withImage(ImageCompareView::fit)),
                item(Shortcuts.ONE, () -> withImage(ImageCompareView::oneToOne)),
                item(Shortcuts.SPLIT, () -> withImage(v -> v.setMode(v.mode() == ImageCompareView.Mode.SPLIT
                        ? ImageCompareView.Mode.SIDE_BY_SIDE : ImageCompareView.Mode.SPLIT))),
                new SeparatorMenuItem(), item(Shortcuts.QUEUE, window::toggleQueue),
                item(Shortcuts.NEXT, () -> step(1)), item(Shortcuts.PREVIOUS, () -> step(-1)));
        Menu tools = new Menu("Tools");
        tools.getItems().addAll(item(Shortcuts.MODELS, window::openModels),
                item(Shortcuts.SETTINGS, window::openSettings));
        Menu help = new Menu("Help");
        MenuItem about = new MenuItem("About Restora Studio");
        about.setOnAction(e -> new AboutDialog(model.context(), stage).show());
        help.getItems().addAll(item(Shortcuts.HELP, () -> new ShortcutsSheet(stage).show()), about);
        model.recent().listen(this::updateRecent);
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

    private void withSelected(Consumer<WorkspaceModel> a) {
        WorkspaceModel w = model.selected().get();
        if (w != null) {
            a.accept(w);
        }
    }

    private void withImage(Consumer<ImageCompareView> a) {
        WorkspaceView v = window.currentView();
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
}
