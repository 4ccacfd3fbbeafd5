package dev.restora.app.studio.view;

import dev.restora.app.studio.model.DeviceSettingsModel;
import dev.restora.app.studio.model.StudioContext;
import dev.restora.app.studio.model.StudioSettings;
import dev.restora.core.engine.DeviceInfo;
import dev.restora.core.engine.Devices;
import dev.restora.core.runtime.GpuRuntimes;
import dev.restora.core.runtime.RuntimePlatform;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Spinner;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
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
 * folder. Saved at once; threads apply at the next start (the engine reads them when it loads). The Device tab
 * manages the GPU runtime ({@link DeviceSettingsModel}): sizes, free disk and licence terms before anything is fetched.
 */
public final class SettingsDialog {
    private final Stage stage;

    public SettingsDialog(StudioContext ctx, Window owner, Runnable themeChanged) {
        StudioSettings s = ctx.settings().get();
        ComboBox<StudioSettings.Theme> theme = new ComboBox<>();
        theme.getItems().setAll(StudioSettings.Theme.values());
        theme.setValue(s.theme);
        theme.setId("settings-theme");
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
        VBox general = new VBox(16, g, where);
        general.setPadding(new Insets(16, 0, 0, 0));
        Tab generalTab = new Tab("General", general);
        Tab deviceTab = new Tab("Device", deviceTab(new DeviceSettingsModel(ctx)));
        deviceTab.setId("settings-device-tab");
        TabPane tabs = new TabPane(generalTab, deviceTab);
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        VBox.setVgrow(tabs, Priority.ALWAYS);
        VBox root = new VBox(12, title, tabs);
        root.setPadding(new Insets(20));
        root.setId("settings-dialog");
        stage = Dialogs.window(owner, "Settings", root, 700, 600, false);
    }

    /** Devices, the libtorch in use, and the GPU runtime's install, use, verify and remove. */
    private VBox deviceTab(DeviceSettingsModel m) {
        Label devices = new Label();
        devices.setWrapText(true);
        devices.setId("device-list");
        Label runtime = new Label();
        runtime.setWrapText(true);
        runtime.setId("device-runtime");
        List<String> flavors = RuntimePlatform.current().flavors();
        ComboBox<String> flavor = new ComboBox<>();
        flavor.getItems().setAll(flavors);
        flavor.setValue(flavors.contains(RuntimePlatform.CUDA_FLAVOR) ? RuntimePlatform.CUDA_FLAVOR : flavors.get(0));
        flavor.setId("device-flavor");
        TextField mirror = new TextField();
        mirror.setPromptText(RuntimePlatform.DEFAULT_MIRROR);
        mirror.setId("device-mirror");
        HBox.setHgrow(mirror, Priority.ALWAYS);
        Button saveMirror = new Button("Save mirror");
        saveMirror.setOnAction(e -> m.setMirror(mirror.getText()));
        Button plan = new Button("Check sizes");
        plan.setId("device-plan");
        plan.setOnAction(e -> m.plan(flavor.getValue()));
        TextArea licence = new TextArea(GpuRuntimes.LICENCE);
        licence.setEditable(false);
        licence.setWrapText(true);
        licence.setPrefRowCount(4);
        licence.setId("device-licence");
        CheckBox accept = new CheckBox("I accept these licence terms");
        accept.setId("device-accept");
        Button install = new Button("Install");
        install.setId("device-install");
        install.setOnAction(e -> m.install());
        Button cancel = new Button("Cancel");
        cancel.setId("device-cancel");
        cancel.setOnAction(e -> m.cancel());
        ProgressBar bar = new ProgressBar(0);
        bar.setMaxWidth(Double.MAX_VALUE);
        bar.setId("device-bar");
        Label progress = new Label();
        progress.setWrapText(true);
        progress.setId("device-progress");
        Button use = new Button("Use a libtorch folder…");
        use.setOnAction(e -> {
            File f = new DirectoryChooser().showDialog(stage());
            if (f != null) {
                m.use(f.toPath());
            }
        });
        Button verify = new Button("Verify");
        verify.setOnAction(e -> m.verify());
        Button remove = new Button("Back to the CPU runtime");
        remove.setOnAction(e -> m.remove());
        Runnable enable = () -> {
            DeviceSettingsModel.View v = m.view().get();
            boolean busy = v.phase() == DeviceSettingsModel.Phase.PLANNING
                    || v.phase() == DeviceSettingsModel.Phase.INSTALLING;
            install.setDisable(busy || v.plan() == null || !v.plan().fits() || !accept.isSelected());
            cancel.setDisable(!busy);
            plan.setDisable(busy);
        };
        accept.selectedProperty().addListener((o, a, b) -> enable.run());
        m.view().listen(v -> {
            devices.setText(String.join("\n", v.devices()));
            runtime.setText("In use: " + v.inUse() + (v.next() != null ? "\nFrom the next start: " + v.next() : "")
                    + (v.failure() != null ? "\nSet aside: " + v.failure() : ""));
            if (!mirror.isFocused() && v.mirror() != null && !v.mirror().equals(RuntimePlatform.DEFAULT_MIRROR)) {
                mirror.setText(v.mirror());
            }
            bar.setProgress(v.phase() == DeviceSettingsModel.Phase.INSTALLING ? v.fraction() : v.fraction() < 0 ? 0
                    : v.fraction());
            progress.setText(v.progress());
            enable.run();
        });
        Label note = new Label("Restora bundles libtorch " + RuntimePlatform.PYTORCH_VERSION + " for the CPU. The GPU"
                + " runtime is DJL's CUDA build (cu128) of the same version, fetched only when you install it;"
                + " a switch applies at the next start.");
        note.setWrapText(true);
        note.getStyleClass().add("muted");
        VBox box = new VBox(10, devices, runtime, note,
                new HBox(6, new Label("Flavor"), flavor, plan),
                new HBox(6, new Label("Mirror"), mirror, saveMirror),
                licence, accept, new HBox(6, install, cancel), bar, progress,
                new HBox(6, use, verify, remove));
        box.setPadding(new Insets(16, 0, 0, 0));
        return box;
    }

    private Stage stage() {
        return stage;
    }

    public void show() {
        stage.show();
    }
}
