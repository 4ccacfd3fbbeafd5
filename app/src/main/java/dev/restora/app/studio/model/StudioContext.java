package dev.restora.app.studio.model;

import ai.djl.Device;
import dev.restora.app.studio.audio.AudioOutput;
import dev.restora.core.engine.DeviceChoice;
import dev.restora.core.engine.Devices;
import dev.restora.core.jobs.WorkerPool;
import dev.restora.core.models.ModelCatalog;
import dev.restora.core.models.ModelResolver;
import dev.restora.core.models.ModelStore;
import dev.restora.core.plugins.PipelineRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The studio's services, toolkit-free: the pipelines, the model store, the settings, the job queue on a worker pool,
 * a background executor for file and network work, and the UI executor ({@code Platform::runLater} in the app, a
 * plain executor in the view-model tests). The worker pool starts on a background thread (the engine takes a moment
 * to load); jobs queued meanwhile wait for it.
 */
public final class StudioContext implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StudioContext.class);

    private final Path home;
    private final PipelineRegistry registry;
    private final ModelCatalog catalog;
    private final SettingsStore settings;
    private final Executor ui;
    private final ExecutorService background;
    private final QueueModel queue;
    private final ThreadRules threads = new ThreadRules();
    private final Prop<StoreSnapshot> storeSnapshot = new Prop<>(StoreSnapshot.EMPTY);
    private volatile AudioOutput audioOutput = AudioOutput.javaSound();
    private volatile ModelStore store;

    /**
     * @param home        the app data folder (settings and the queue go to {@code home/studio})
     * @param ui          runs view-model updates on the UI thread
     * @param poolFactory makes the worker pool (called once, on a background thread)
     */
    public StudioContext(Path home, PipelineRegistry registry, Executor ui, Supplier<WorkerPool> poolFactory) {
        this.home = home;
        this.registry = registry;
        this.ui = ui;
        this.settings = new SettingsStore(home.resolve("studio").resolve("settings.json"));
        this.catalog = ModelCatalog.fromProviders(registry.all().stream().map(PipelineRegistry.Registered::provider)
                .toList());
        String folder = settings.get().modelsFolder;
        this.store = new ModelStore(catalog, folder != null ? Path.of(folder) : home.resolve("models"));
        // a cached pool that drops work handed to it after close (late UI callbacks at shutdown)
        this.background = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "studio-background");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.DiscardPolicy());
        this.queue = new QueueModel(this, home.resolve("studio").resolve("queue.json"));
        refreshStore();
        Thread starter = new Thread(() -> {
            try {
                queue.poolReady(poolFactory.get());
            } catch (RuntimeException | LinkageError e) {
                LOG.error("the worker pool could not start", e);
                queue.poolFailed("the engine could not start: " + e.getMessage());
            }
        }, "studio-pool-start");
        starter.setDaemon(true);
        starter.start();
    }

    public Path home() {
        return home;
    }

    public PipelineRegistry registry() {
        return registry;
    }

    public ModelCatalog catalog() {
        return catalog;
    }

    public SettingsStore settings() {
        return settings;
    }

    public Executor ui() {
        return ui;
    }

    public ExecutorService background() {
        return background;
    }

    public QueueModel queue() {
        return queue;
    }

    public ModelStore store() {
        return store;
    }

    /** Where store reads, folder walks and media conversions are checked to stay off the UI thread. */
    public ThreadRules threads() {
        return threads;
    }

    /** The latest store snapshot (set on the UI executor; read it instead of the store on the UI thread). */
    public Prop<StoreSnapshot> storeSnapshot() {
        return storeSnapshot;
    }

    /** Re-reads the store on the background executor and publishes the snapshot. */
    public void refreshStore() {
        background.execute(() -> {
            StoreSnapshot s = readStore();
            ui.execute(() -> showStore(s));
        });
    }

    /** Reads the store on the calling worker thread (publish it with {@link #showStore} on the UI executor). */
    public StoreSnapshot readStore() {
        return StoreSnapshot.read(store, threads);
    }

    /** Publishes a snapshot unless a newer one is shown already. UI executor. */
    public void showStore(StoreSnapshot s) {
        if (s.seq() > storeSnapshot.get().seq()) {
            storeSnapshot.set(s);
        }
    }

    /** Points the store at another folder (saved in the settings). A worker thread: the store reads its index. */
    public void setModelsFolder(Path folder) {
        threads.offUi("model store change");
        store = new ModelStore(catalog, folder);
        settings.get().modelsFolder = folder.toString();
        settings.save();
        refreshStore(); // the workspaces' "weights present" notes follow the new folder
    }

    /** Resolves weights through whichever store is current when a pipeline loads. */
    public ModelResolver resolver() {
        return id -> store.require(id);
    }

    /** Where the speech view plays sound: Java Sound's mixer unless {@link #setAudioOutput} chose another. */
    public AudioOutput audioOutput() {
        return audioOutput;
    }

    /** Plays through {@code output} from now on (views opened later use it). */
    public void setAudioOutput(AudioOutput output) {
        audioOutput = output;
    }

    /** The device jobs ask for: null for "auto" (the pool's choice: the first GPU lane, else the CPU). */
    public Device jobDevice() {
        String d = settings.get().device;
        if (d == null || d.equals(DeviceChoice.AUTO)) {
            return null;
        }
        if (d.equals(DeviceChoice.MPS)) {
            return DeviceChoice.mps(); // the pool has an MPS lane on Apple silicon only: elsewhere the job is refused
        }
        try {
            return Devices.parse(d);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The default output folder, or null for "beside the input". */
    public Path outputFolder() {
        String f = settings.get().outputFolder;
        return f == null || f.isBlank() ? null : Path.of(f);
    }

    /** Saves the queue and settings, stops the workers. */
    @Override
    public void close() {
        queue.save();
        queue.freeze();
        settings.save();
        WorkerPool p = queue.pool();
        if (p != null) {
            // jobs of the saved queue are re-created at the next start; the running one is cancelled here
            p.shutdown(Duration.ofSeconds(10));
        }
        background.shutdownNow();
    }
}
