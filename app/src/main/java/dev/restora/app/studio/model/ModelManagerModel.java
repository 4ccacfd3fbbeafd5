package dev.restora.app.studio.model;

import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.CancelledException;
import dev.restora.core.jobs.LatestValueHandoff;
import dev.restora.core.models.CatalogEntry;
import dev.restora.core.models.DownloadProgress;
import dev.restora.core.models.ModelInfo;
import dev.restora.core.models.ModelStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The model manager's model: every catalog entry of the installed pipelines with its state in the {@link ModelStore}
 * (missing, partial, downloading with progress and speed, verified, failed with the reason), and the actions:
 * accept the licence, download, cancel, import a local file, remove, verify, change the store folder.
 *
 * <p>Threads: the store is read and changed only on the background executor; what it found reaches the UI as a
 * {@link StoreSnapshot}. The rows are the snapshot combined with the running operations (one {@link Op} each), and
 * both are touched only on the UI executor. A download's progress arrives through a conflating hand-off; its end is
 * one UI task that publishes the store as read after the download, retires the operation and rebuilds the rows, so a
 * late progress delivery (it belongs to a retired operation) cannot bring a finished download back, and
 * {@link #isDownloading} turns false in the same step that shows the final state.
 */
public final class ModelManagerModel {

    /** What the list shows for one entry. */
    public enum State { MISSING, PARTIAL, DOWNLOADING, PRESENT, VERIFIED, FAILED }

    /**
     * One row.
     *
     * @param entry     the catalog entry
     * @param state     the state shown
     * @param bytes     local bytes (file, partial, or downloaded so far)
     * @param total     expected size, or -1
     * @param speed     bytes per second while downloading
     * @param message   the failure reason, or null
     * @param accepted  whether its licence is accepted (or needs none)
     * @param path      where the file lives in the store
     */
    public record Row(CatalogEntry entry, State state, long bytes, long total, double speed, String message,
                      boolean accepted, Path path) {
        public double fraction() {
            return total > 0 ? Math.min(1, bytes / (double) total) : -1;
        }

        /** "12.3 MB of 250 MB · 4.1 MB/s" or "250 MB". */
        public String sizeText() {
            String t = total > 0 ? mb(total) : "size unknown";
            if (state == State.DOWNLOADING) {
                return mb(bytes) + " of " + t + " · " + mb((long) speed) + "/s";
            }
            if (state == State.PARTIAL) {
                return mb(bytes) + " of " + t + " (resumable)";
            }
            return t;
        }

        static String mb(long b) {
            return b >= 1_000_000 ? String.format(Locale.ROOT, "%.1f MB", b / 1e6)
                    : String.format(Locale.ROOT, "%.0f kB", b / 1e3);
        }
    }

    /** What a running operation (download, import, verify) shows; replaced on the UI executor only. */
    private record Transient(State state, long bytes, long total, double speed, String message) {
    }

    /** One running operation of an entry; {@code done} once its outcome is shown (UI executor). */
    private static final class Op {
        final CancellationToken token = new CancellationToken();
        boolean done;
    }

    private final StudioContext ctx;
    private final Prop<List<Row>> rows = new Prop<>(List.of());
    private final Prop<Path> folder;
    /** UI executor only. */
    private final Map<String, Transient> transients = new HashMap<>();
    /** UI executor only: the running download per entry. */
    private final Map<String, Op> downloads = new HashMap<>();
    private final Runnable unsubscribe;

    public ModelManagerModel(StudioContext ctx) {
        this.ctx = ctx;
        this.folder = new Prop<>(ctx.store().directory());
        this.unsubscribe = ctx.storeSnapshot().listen(s -> publish());
        ctx.refreshStore();
    }

    public Prop<List<Row>> rows() {
        return rows;
    }

    public Prop<Path> folder() {
        return folder;
    }

    public Row row(String id) {
        return rows.get().stream().filter(r -> r.entry().id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no catalog entry " + id));
    }

    /** Re-reads the store (on the background executor; the rows follow on the UI executor). */
    public void rebuild() {
        ctx.refreshStore();
    }

    /** Stops following the store (the window closed). */
    public void dispose() {
        unsubscribe.run();
    }

    /** Combines the last store snapshot with the running operations into the rows. UI executor; no I/O. */
    private void publish() {
        List<Row> out = new ArrayList<>();
        for (ModelInfo info : ctx.storeSnapshot().get().infos().values()) {
            String id = info.entry().id();
            Transient t = transients.get(id);
            long total = info.entry().sizeBytes();
            if (t != null) {
                out.add(new Row(info.entry(), t.state(), t.bytes(), t.total() > 0 ? t.total() : total, t.speed(),
                        t.message(), info.licenceAccepted(), info.path()));
            } else {
                State s = switch (info.status()) {
                    case MISSING -> State.MISSING;
                    case PARTIAL -> State.PARTIAL;
                    case PRESENT -> State.PRESENT;
                    case VERIFIED -> State.VERIFIED;
                };
                out.add(new Row(info.entry(), s, info.localBytes(), total, 0, null, info.licenceAccepted(),
                        info.path()));
            }
        }
        rows.set(List.copyOf(out));
    }

    /**
     * Runs {@code work} on the background executor, then on the UI executor shows the store as read after it and
     * applies {@code outcome} (the failure, or null) in the same step.
     */
    private void inBackground(Runnable work, Consumer<RuntimeException> outcome) {
        ModelStore store = ctx.store();
        ctx.background().execute(() -> {
            RuntimeException failure = null;
            try {
                work.run();
            } catch (RuntimeException e) {
                failure = e;
            }
            StoreSnapshot after = StoreSnapshot.read(store, ctx.threads());
            RuntimeException f = failure;
            ctx.ui().execute(() -> {
                outcome.accept(f);
                ctx.showStore(after);
                publish();
            });
        });
    }

    /** Records the licence acceptance (background); the row follows. */
    public void accept(String id) {
        ModelStore store = ctx.store();
        inBackground(() -> store.accept(id), ex -> {
            if (ex != null) {
                transients.put(id, new Transient(State.FAILED, 0, -1, 0, ex.getMessage()));
            }
        });
    }

    /** Whether the download needs the licence accepted first (as last read from the store). */
    public boolean needsAcceptance(String id) {
        return !ctx.storeSnapshot().get().accepted(id);
    }

    /** Starts a download (resuming a partial one) on the background executor. UI executor. */
    public void download(String id) {
        if (downloads.containsKey(id)) {
            return;
        }
        CatalogEntry e = ctx.catalog().require(id);
        if (needsAcceptance(id)) {
            transients.put(id, new Transient(State.FAILED, 0, e.sizeBytes(), 0, "accept the licence first"));
            publish();
            return;
        }
        Op op = new Op();
        downloads.put(id, op);
        ModelStore store = ctx.store();
        transients.put(id, new Transient(State.DOWNLOADING, 0, e.sizeBytes(), 0, null));
        publish();
        LatestValueHandoff<DownloadProgress> progress = new LatestValueHandoff<>(ctx.ui(), p -> {
            if (!op.done) {
                transients.put(id, new Transient(State.DOWNLOADING, p.bytes(), p.total(), p.bytesPerSecond(), null));
                publish();
            }
        });
        inBackground(() -> store.download(id, progress::offer, op.token), ex -> {
            op.done = true;
            downloads.remove(id);
            if (ex == null || ex instanceof CancelledException) {
                transients.remove(id);
            } else if (ex instanceof RestoraException) {
                transients.put(id, new Transient(State.FAILED, 0, e.sizeBytes(), 0, ex.getMessage()));
            } else {
                transients.put(id, new Transient(State.FAILED, 0, e.sizeBytes(), 0, "download failed: " + ex));
            }
        });
    }

    /** Whether a download of the entry runs; turns false in the UI step that shows its outcome. UI executor. */
    public boolean isDownloading(String id) {
        return downloads.containsKey(id);
    }

    /** Stops a running download; the partial file stays for a later resume. */
    public void cancel(String id) {
        Op op = downloads.get(id);
        if (op != null) {
            op.token.cancel();
            ModelStore store = ctx.store();
            ctx.background().execute(() -> store.cancel(id));
        }
    }

    /** Copies a local file into the store and verifies it (background). */
    public void importFile(String id, Path source) {
        ModelStore store = ctx.store();
        transients.put(id, new Transient(State.DOWNLOADING, 0, -1, 0, null));
        publish();
        inBackground(() -> store.importFile(id, source), ex -> failedOrClear(id, ex));
    }

    /** Deletes the file and any partial download (background). */
    public void remove(String id) {
        ModelStore store = ctx.store();
        inBackground(() -> store.remove(id, false), ex -> failedOrClear(id, ex));
    }

    /** Hashes the file again (background). */
    public void verify(String id) {
        ModelStore store = ctx.store();
        inBackground(() -> store.verify(id), ex -> failedOrClear(id, ex));
    }

    private void failedOrClear(String id, RuntimeException ex) {
        if (ex == null) {
            transients.remove(id);
        } else {
            transients.put(id, new Transient(State.FAILED, 0, -1, 0, ex.getMessage()));
        }
    }

    /** Uses another store folder from now on (saved in the settings); the rows follow. */
    public void changeFolder(Path dir) {
        ctx.background().execute(() -> {
            RuntimeException failure = null;
            try {
                ctx.setModelsFolder(dir);
            } catch (RuntimeException e) {
                failure = e;
            }
            StoreSnapshot after = ctx.readStore();
            Path now = ctx.store().directory();
            RuntimeException f = failure;
            ctx.ui().execute(() -> {
                if (f == null) {
                    transients.clear();
                }
                folder.set(now);
                ctx.showStore(after);
                publish();
            });
        });
    }

    /** Licence text of an entry. */
    public String licence(String id) {
        CatalogEntry e = ctx.catalog().require(id);
        return e.licence() == null ? "no licence given" : e.licence();
    }

    /** True when every entry is verified or present. */
    public boolean allPresent() {
        return rows.get().stream().allMatch(r -> r.state() == State.VERIFIED || r.state() == State.PRESENT);
    }
}
