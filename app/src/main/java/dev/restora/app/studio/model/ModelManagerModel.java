package dev.restora.app.studio.model;

import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.CancelledException;
import dev.restora.core.jobs.LatestValueHandoff;
import dev.restora.core.models.CatalogEntry;
import dev.restora.core.models.DownloadProgress;
import dev.restora.core.models.ModelInfo;
import dev.restora.core.models.ModelStatus;
import dev.restora.core.models.ModelStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The model manager's model: every catalog entry of the installed pipelines with its state in the {@link ModelStore}
 * (missing, partial, downloading with progress and speed, verified, failed with the reason), and the actions:
 * accept the licence, download, cancel, import a local file, remove, verify, change the store folder. Network and
 * disk work runs on the background executor; progress reaches the UI through a conflating hand-off per entry.
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

    private record Transient(State state, long bytes, long total, double speed, String message) {
    }

    private final StudioContext ctx;
    private final Prop<List<Row>> rows = new Prop<>(List.of());
    private final Prop<Path> folder;
    private final Map<String, Transient> transients = new ConcurrentHashMap<>();
    private final Map<String, CancellationToken> tokens = new ConcurrentHashMap<>();
    private final LatestValueHandoff<Boolean> refresh;

    public ModelManagerModel(StudioContext ctx) {
        this.ctx = ctx;
        this.folder = new Prop<>(ctx.store().directory());
        this.refresh = new LatestValueHandoff<>(ctx.ui(), v -> rebuild());
        rebuild();
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

    /** Re-reads the store (UI thread). */
    public void rebuild() {
        ModelStore store = ctx.store();
        List<Row> out = new ArrayList<>();
        for (ModelInfo info : store.list()) {
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

    /** Records the licence acceptance. */
    public void accept(String id) {
        ctx.store().accept(id);
        rebuild();
    }

    /** Whether the download needs the licence accepted first. */
    public boolean needsAcceptance(String id) {
        return !ctx.store().isAccepted(id);
    }

    /** Starts a download (resuming a partial one) on the background executor. */
    public void download(String id) {
        if (tokens.containsKey(id)) {
            return;
        }
        CatalogEntry e = ctx.catalog().require(id);
        if (needsAcceptance(id)) {
            transients.put(id, new Transient(State.FAILED, 0, e.sizeBytes(), 0,
                    "accept the licence first"));
            rebuild();
            return;
        }
        CancellationToken token = new CancellationToken();
        tokens.put(id, token);
        ModelStore store = ctx.store();
        transients.put(id, new Transient(State.DOWNLOADING, 0, e.sizeBytes(), 0, null));
        rebuild();
        LatestValueHandoff<DownloadProgress> progress = new LatestValueHandoff<>(ctx.ui(), p -> {
            if (tokens.containsKey(id)) {
                transients.put(id, new Transient(State.DOWNLOADING, p.bytes(), p.total(), p.bytesPerSecond(), null));
                rebuild();
            }
        });
        ctx.background().execute(() -> {
            try {
                store.download(id, progress::offer, token);
                transients.remove(id);
            } catch (CancelledException ex) {
                transients.remove(id);
            } catch (RestoraException ex) {
                transients.put(id, new Transient(State.FAILED, 0, e.sizeBytes(), 0, ex.getMessage()));
            } catch (RuntimeException ex) {
                transients.put(id, new Transient(State.FAILED, 0, e.sizeBytes(), 0, "download failed: " + ex));
            } finally {
                tokens.remove(id);
                refresh.offer(Boolean.TRUE);
            }
        });
    }

    public boolean isDownloading(String id) {
        return tokens.containsKey(id);
    }

    /** Stops a running download; the partial file stays for a later resume. */
    public void cancel(String id) {
        CancellationToken t = tokens.get(id);
        if (t != null) {
            t.cancel();
            ctx.store().cancel(id);
        }
    }

    /** Copies a local file into the store and verifies it (background). */
    public void importFile(String id, Path source) {
        ModelStore store = ctx.store();
        transients.put(id, new Transient(State.DOWNLOADING, 0, -1, 0, null));
        rebuild();
        ctx.background().execute(() -> {
            try {
                store.importFile(id, source);
                transients.remove(id);
            } catch (RuntimeException ex) {
                transients.put(id, new Transient(State.FAILED, 0, -1, 0, ex.getMessage()));
            }
            refresh.offer(Boolean.TRUE);
        });
    }

    /** Deletes the file and any partial download. */
    public void remove(String id) {
        try {
            ctx.store().remove(id, false);
            transients.remove(id);
        } catch (RuntimeException ex) {
            transients.put(id, new Transient(State.FAILED, 0, -1, 0, ex.getMessage()));
        }
        rebuild();
    }

    /** Hashes the file again (background). */
    public void verify(String id) {
        ModelStore store = ctx.store();
        ctx.background().execute(() -> {
            try {
                store.verify(id);
                transients.remove(id);
            } catch (RuntimeException ex) {
                transients.put(id, new Transient(State.FAILED, 0, -1, 0, ex.getMessage()));
            }
            refresh.offer(Boolean.TRUE);
        });
    }

    /** Uses another store folder from now on (saved in the settings). */
    public void changeFolder(Path dir) {
        ctx.setModelsFolder(dir);
        transients.clear();
        folder.set(ctx.store().directory());
        rebuild();
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

    static boolean isLocal(ModelStatus s) {
        return s == ModelStatus.PRESENT || s == ModelStatus.VERIFIED;
    }
}
