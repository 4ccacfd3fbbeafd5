package dev.restora.app.studio;

import dev.restora.core.engine.AppDirs;
import dev.restora.app.cli.RuntimeSetup;
import dev.restora.app.studio.model.StudioContext;
import dev.restora.app.studio.model.StudioModel;
import dev.restora.app.studio.model.StudioSettings;
import dev.restora.app.studio.view.MainWindow;
import dev.restora.app.studio.view.Theme;
import dev.restora.core.engine.EngineSetup;
import dev.restora.core.jobs.WorkerPool;
import dev.restora.core.plugins.PipelineRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;

/**
 * The desktop studio. {@code dev.restora.app.Main} opens it when run without arguments. The composition root: the
 * pipelines of the class path and the plugin folder, the model store, the settings and the job queue on a worker pool
 * ({@link StudioContext}), the main window ({@link MainWindow}). Tests pass their own context.
 */
public class StudioApp extends Application {
    /** A file to open and restore at start (screenshots and demos); also {@code --demo FILE}. */
    public static final String DEMO_PROPERTY = "restora.studio.demo";

    private StudioContext ctx;
    private StudioModel model;
    private MainWindow window;
    private Stage stage;
    private final boolean ownsContext;

    public StudioApp() {
        this.ownsContext = true;
    }

    /** A studio on a given context (tests); the caller closes the context. */
    public StudioApp(StudioContext ctx) {
        this.ctx = ctx;
        this.ownsContext = false;
    }

    public static void main(String[] args) {
        if (System.getProperty("java.net.useSystemProxies") == null) {
            // model downloads follow the OS proxy settings (the store uses the default ProxySelector)
            System.setProperty("java.net.useSystemProxies", "true");
        }
        RuntimeSetup.configureLogging(false);
        RuntimeSetup.configure();
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--demo")) {
                System.setProperty(DEMO_PROPERTY, args[i + 1]);
            }
        }
        Application.launch(StudioApp.class, args);
    }

    /** The context of a normal start: the user's data folder, its plugins and settings. */
    public static StudioContext defaultContext() {
        Path home = AppDirs.current().home();
        PipelineRegistry registry = PipelineRegistry.load(AppDirs.current().plugins());
        return new StudioContext(home, registry, Platform::runLater, poolFactory(home));
    }

    /** Configures the engine (threads from the settings) and starts one lane per GPU plus the CPU lane. */
    static Supplier<WorkerPool> poolFactory(Path home) {
        return () -> {
            StudioSettings s = new dev.restora.app.studio.model.SettingsStore(
                    home.resolve("studio").resolve("settings.json")).get();
            EngineSetup.configure(new EngineSetup.Config(s.cpuThreads > 0 ? s.cpuThreads : null, null));
            if (s.cpuThreads > 0) {
                // the launcher may have configured the engine already; DJL reads this when the engine loads, next
                System.setProperty(EngineSetup.NUM_THREADS, Integer.toString(s.cpuThreads));
            }
            EngineSetup.start(); // loads the chosen GPU runtime, or falls back to the bundled CPU one with a notice
            return WorkerPool.forMachine();
        };
    }

    @Override
    public void init() {
        Theme.systemPrefersDark(); // asks the OS off the UI thread
    }

    @Override
    public void start(Stage primary) {
        this.stage = primary;
        if (ctx == null) {
            ctx = defaultContext();
        }
        ctx.threads().uiThread(Platform::isFxApplicationThread);
        model = new StudioModel(ctx);
        window = new MainWindow(model, primary);
        StudioSettings s = ctx.settings().get();
        Scene scene = new Scene(window, s.windowWidth, s.windowHeight);
        Theme.apply(scene, s.theme);
        primary.setScene(scene);
        primary.setTitle("Restora Studio");
        primary.setMinWidth(900);
        primary.setMinHeight(600);
        primary.setOnCloseRequest(e -> {
            s.windowWidth = scene.getWidth();
            s.windowHeight = scene.getHeight();
            ctx.settings().save();
        });
        primary.show();
        int restored = ctx.queue().restore();
        if (restored > 0) {
            window.notice(restored + " job(s) from the last session are queued; the queue is paused — resume it in "
                    + "the queue panel");
        }
        // files handed over by the desktop ("Open with Restora Studio") or the command line
        List<String> raw = getParameters() == null ? List.of() : getParameters().getRaw();
        List<Path> files = raw.stream().filter(a -> !a.startsWith("-")).map(Path::of).filter(Files::exists).toList();
        if (!files.isEmpty()) {
            model.open(files);
        }
        String demo = System.getProperty(DEMO_PROPERTY);
        if (demo != null && !demo.isBlank()) {
            new StudioDemo(this, demo).start();
        }
    }

    public StudioModel model() {
        return model;
    }

    public MainWindow window() {
        return window;
    }

    public Stage stage() {
        return stage;
    }

    public StudioContext context() {
        return ctx;
    }

    @Override
    public void stop() {
        if (ownsContext && ctx != null) {
            ctx.close();
        }
    }
}
