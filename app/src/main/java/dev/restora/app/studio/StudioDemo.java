package dev.restora.app.studio;

import dev.restora.app.studio.model.WorkspaceModel;
import dev.restora.app.studio.view.ImageCompareView;
import dev.restora.app.studio.view.WorkspaceView;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javafx.util.Duration;
import javax.imageio.ImageIO;

/**
 * The {@code --demo FILE} hook: opens the file, runs the chosen pipeline ({@code restora.studio.demo.pipeline}, else
 * the first that fits) and, when {@code restora.studio.screenshots} names a folder, saves screenshots of the main
 * window during and after the run, of the batch dialog and of the model manager, then quits.
 */
final class StudioDemo {
    private final StudioApp app;
    private final Path file;
    private final Path shots = System.getProperty("restora.studio.screenshots") == null ? null
            : Path.of(System.getProperty("restora.studio.screenshots"));
    private boolean midShot;

    StudioDemo(StudioApp app, Path file) {
        this.app = app;
        this.file = file;
    }

    void start() {
        app.model().items().onChange(items -> {
            if (items.size() == 1) {
                Platform.runLater(() -> run(items.get(0)));
            }
        });
        app.model().open(List.of(file));
    }

    private void run(WorkspaceModel w) {
        String pid = System.getProperty("restora.studio.demo.pipeline");
        if (pid != null) {
            w.pipelines().stream().filter(r -> r.descriptor().id().equals(pid)).findFirst().ifPresent(w::selectPipeline);
        }
        w.historySize().onChange(n -> {
            if (!midShot && n >= Integer.getInteger("restora.studio.demo.midstep", 3)) {
                midShot = true;
                shoot("studio-running.png");
            }
        });
        w.state().onChange(s -> {
            if (s == WorkspaceModel.RunState.DONE || s == WorkspaceModel.RunState.FAILED) {
                later(1500, this::finish);
            }
        });
        w.run();
    }

    private void finish() {
        WorkspaceView v = app.window().currentView();
        if (v != null && v.imageView() != null) {
            v.imageView().setDivider(0.5);
        }
        shoot("studio-result.png");
        if (v != null && v.imageView() != null) {
            v.imageView().setMode(ImageCompareView.Mode.SIDE_BY_SIDE);
            v.imageView().zoom(2.5);
        }
        later(400, () -> {
            shoot("studio-side-by-side.png");
            if (v != null && v.imageView() != null) {
                v.imageView().setMode(ImageCompareView.Mode.SPLIT);
                v.imageView().fit();
            }
            app.window().openBatch();
            later(600, () -> {
                shootWindow("studio-batch.png", "Batch");
                app.window().openModels();
                later(600, () -> {
                    shootWindow("studio-models.png", "Models");
                    if (shots != null) {
                        Platform.exit();
                    }
                });
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
