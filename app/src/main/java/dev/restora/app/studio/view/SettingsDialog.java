package dev.restora.app.studio.view;

import dev.restora.app.studio.model.StudioContext;
import dev.restora.app.studio.model.StudioSettings;
import dev.restora.core.engine.DeviceInfo;
import dev.restora.core.engine.Devices;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.Stage;
import javafx.stage.Window;

/**
 * Per-user settings: theme, device (the GPUs DJL sees, with memory), CPU threads, live previews, the default output
 * folder. Saved at once; threads apply at the next start (the engine reads them when it loads).
 */
public final class SettingsDialog {
    private final Stage stage;

    public SettingsDialog(StudioContext ctx, Window owner, Runnable themeChanged) {
        StudioSettings s = ctx.settings().get();
        ComboBox<StudioSettings.Theme> theme = new ComboBox<>();
        theme.getItems().setAll(StudioSettings.Theme.values());
        theme.setValue(s.theme);
        theme.valueProperty().addListener((o, a, b) -> {
            s.theme = b;
            ctx.settings().save();
            themeChanged.run();
            Theme.apply(stage().getScene(), b);
        });
        ComboBox<String> device = new ComboBox<>();
        device.getItems().setAll("auto", "cpu");
        device.setValue(s.device);
        device.setId("settings-device");
        Label deviceInfo = new Label("Looking for GPUs…");
        deviceInfo.getStyleClass().add("muted");
        deviceInfo.setWrapText(true);
        CompletableFuture.supplyAsync(Devices::usable, ctx.background()).whenComplete((list, err) ->
                Platform.runLater(() -> {
                    if (err != null) {
                        deviceInfo.setText("the engine could not list devices: " + err.getMessage());
                        return;
                    }
                    List<String> names = new ArrayList<>(List.of("auto"));
                    StringBuilder sb = new StringBuilder();
                    for (DeviceInfo d : list) {
                        names.add(d.name());
                        sb.append(d.name()).append(": ").append(d.description()).append('\n');
                    }
                    String cur = device.getValue();
                    device.getItems().setAll(names);
                    device.setValue(names.contains(cur) ? cur : "auto");
                    deviceInfo.setText(sb.toString().trim() + (list.size() == 1 ? "\nNo GPU found: jobs run on the CPU."
                            : ""));
                }));
        device.valueProperty().addListener((o, a, b) -> {
            if (b != null) {
                s.device = b;
                ctx.settings().save();
            }
        });
        int hw = Runtime.getRuntime().availableProcessors();
        Spinner<Integer> threads = new Spinner<>(0, Math.max(1, hw * 2), s.cpuThreads);
        threads.setEditable(true);
        threads.valueProperty().addListener((o, a, b) -> {
            s.cpuThreads = b;
            ctx.settings().save();
        });
        Label threadsNote = new Label("0 = all " + hw + " hardware threads; applies at the next start");
        threadsNote.getStyleClass().add("muted");
        ComboBox<StudioSettings.PreviewMode> previews = new ComboBox<>();
        previews.getItems().setAll(StudioSettings.PreviewMode.values());
        previews.setValue(s.previews);
        previews.valueProperty().addListener((o, a, b) -> {
            s.previews = b;
            ctx.settings().save();
        });
        TextField out = new TextField(s.outputFolder == null ? "" : s.outputFolder);
        out.setPromptText("beside each input");
        HBox.setHgrow(out, Priority.ALWAYS);
        Button browse = new Button("Choose…");
        browse.setOnAction(e -> {
            DirectoryChooser dc = new DirectoryChooser();
            File f = dc.showDialog(stage());
            if (f != null) {
                out.setText(f.getAbsolutePath());
            }
        });
        out.textProperty().addListener((o, a, b) -> {
            s.outputFolder = b == null || b.isBlank() ? null : b.trim();
            ctx.settings().save();
        });
        GridPane g = new GridPane();
        g.setHgap(14);
        g.setVgap(12);
        int r = 0;
        g.addRow(r++, new Label("Theme"), theme);
        g.addRow(r++, new Label("Device"), new VBox(4, device, deviceInfo));
        g.addRow(r++, new Label("CPU threads"), new VBox(4, threads, threadsNote));
        g.addRow(r++, new Label("Live previews"), previews);
        g.addRow(r, new Label("Output folder"), new HBox(6, out, browse));
        Label title = new Label("Settings");
        title.getStyleClass().add("dialog-title");
        Label where = new Label("Saved in " + ctx.settings().file());
        where.getStyleClass().add("muted");
        VBox root = new VBox(16, title, g, where);
        root.setPadding(new Insets(20));
        root.setId("settings-dialog");
        stage = Dialogs.window(owner, "Settings", root, 620, 440, false);
    }

    private Stage stage() {
        return stage;
    }

    public void show() {
        stage.show();
    }
}
