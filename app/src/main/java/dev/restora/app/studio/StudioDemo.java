package dev.restora.app.studio;

import dev.restora.app.studio.model.StudioSettings;
import dev.restora.app.studio.model.WorkspaceModel;
import dev.restora.app.studio.view.ImageCompareView;
import dev.restora.app.studio.view.Theme;
import dev.restora.app.studio.view.WorkspaceView;
import dev.restora.core.pipeline.Media;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javafx.util.Duration;
import javax.imageio.ImageIO;

/**
 * The demo hook ({@code -Drestora.studio.demo=FILE[:FILE...]} or {@code --demo FILE}): opens the files, restores each
 * with the first pipeline that fits (or {@code restora.studio.demo.pipeline}) and, when {@code
 * restora.studio.screenshots} names a folder, saves screenshots (an image result in split and side-by-side views in
 * the light theme, a recording in the dark theme, the batch dialog, the model manager), then quits.
 */
final class StudioDemo {
    private final StudioApp app;
    private final List<Path> files;
    private final Path shots = System.getProperty("restora.studio.screenshots") == null ? null
            : Path.of(System.getProperty("restora.studio.screenshots"));
    private int next;

    StudioDemo(StudioApp app, String spec) {
        this.app = app;
        List<Path> f = new ArrayList<>();
        for (String s : spec.split(File.pathSeparator)) {
            if (!s.isBlank()) {
                f.add(Path.of(s));
            }
        }
        this.files = f;
    }

    void start() {
        app.model().items().onChange(items -> {
            if (items.size() == files.size()) {
                Platform.runLater(() -> runNext(items));
            }
        });
        app.model().open(files);
    }

    private void runNext(List<WorkspaceModel> items) {
        if (next >= items.size()) {
            dialogs();
            return;
        }
        WorkspaceModel w = items.get(next++);
        app.model().select(w);
        String pid = System.getProperty("restora.studio.demo.pipeline");
        if (pid != null) {
            w.pipelines().stream().filter(r -> r.descriptor().id().equals(pid)).findFirst()
                    .ifPresent(w::selectPipeline);
        }
        boolean image = w.item().media() instanceof Media.Image;
        if (!image) {
            app.context().settings().get().theme = StudioSettings.Theme.DARK;
            Theme.apply(app.stage().getScene(), StudioSettings.Theme.DARK);
        }
        w.state().onChange(s -> {
            if (s == WorkspaceModel.RunState.DONE || s == WorkspaceModel.RunState.FAILED) {
                later(1500, () -> {
                    if (image) {
                        imageShots(() -> runNext(items));
                    } else {
                        shoot("studio-speech-dark.png");
                        runNext(items);
                    }
                });
            }
        });
        w.run();
    }

    private void imageShots(Runnable then) {
        WorkspaceView v = app.window().currentView();
        ImageCompareView iv = v.imageView();
        iv.setDivider(0.5);
        shoot("studio-image-split.png");
        iv.setMode(ImageCompareView.Mode.SIDE_BY_SIDE);
        iv.zoom(2.0);
        later(400, () -> {
            shoot("studio-image-side-by-side.png");
            iv.setMode(ImageCompareView.Mode.SPLIT);
            iv.fit();
            then.run();
        });
    }

    private void dialogs() {
        var batch = app.window().openBatch();
        files.stream().map(f -> f.toAbsolutePath().getParent()).distinct().forEach(batch.model()::addInput);
        later(700, () -> {
            shootWindow("studio-batch.png", "Batch");
            var models = app.window().openModels();
            // the rows arrive once the store has been read on a worker
            java.util.concurrent.atomic.AtomicBoolean shot = new java.util.concurrent.atomic.AtomicBoolean();
            models.model().rows().listen(rows -> {
                boolean ready = !rows.isEmpty() || app.context().catalog().entries().isEmpty();
                if (ready && shot.compareAndSet(false, true)) {
                    later(700, () -> {
                        shootWindow("studio-models.png", "Models");
                        if (shots != null) {
                            Platform.exit();
                        }
                    });
                }
            });
        });
    }

    private static void later(long ms, Runnable r) {
        PauseTransition p = new PauseTransition(Duration.millis(ms));
        p.setOnFinished(e -> r.run());
        p.play();
    }

    private void shoot(String name) {
        save(app.stage().getScene(), name);
    }

    private void shootWindow(String name, String title) {
        for (javafx.stage.Window win : javafx.stage.Window.getWindows()) {
            if (win instanceof javafx.stage.Stage st && title.equals(st.getTitle())) {
                save(st.getScene(), name);
                st.close();
                return;
            }
        }
    }

    private void save(Scene scene, String name) {
        if (shots == null) {
            return;
        }
        try {
            Files.createDirectories(shots);
            WritableImage img = scene.snapshot(null);
            BufferedImage bi = SwingFXUtils.fromFXImage(img, null);
            BufferedImage rgb = new BufferedImage(bi.getWidth(), bi.getHeight(), BufferedImage.TYPE_INT_RGB);
            rgb.getGraphics().drawImage(bi, 0, 0, null);
            ImageIO.write(rgb, "png", shots.resolve(name).toFile());
            System.out.println("screenshot " + shots.resolve(name));
        } catch (java.io.IOException e) {
            System.err.println("screenshot " + name + " failed: " + e.getMessage());
        }
    }
}
