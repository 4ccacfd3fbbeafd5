package dev.restora.app.studio.model;

import dev.restora.core.models.ModelInfo;
import dev.restora.core.models.ModelStatus;
import dev.restora.core.models.ModelStore;
import dev.restora.core.pipeline.ModelOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The studio's picture of the {@link ModelStore}: every catalog entry with its state, read on a worker (the store
 * stats files and reads its index) and published to the UI as an immutable snapshot. Views and view models read the
 * snapshot, never the store. Reads are numbered when they start, so a slow older read never replaces a newer one.
 *
 * @param seq   the read's number (0: nothing read yet)
 * @param infos by catalog id, in catalog order
 */
public record StoreSnapshot(long seq, Map<String, ModelInfo> infos) {
    public static final StoreSnapshot EMPTY = new StoreSnapshot(0, Map.of());
    private static final AtomicLong READS = new AtomicLong();

    public StoreSnapshot {
        infos = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(infos));
    }

    /** Reads {@code store} on the calling thread, which must not be the UI thread. */
    static StoreSnapshot read(ModelStore store, ThreadRules rules) {
        rules.offUi("model store read");
        long seq = READS.incrementAndGet();
        Map<String, ModelInfo> m = new LinkedHashMap<>();
        for (ModelInfo i : store.list()) {
            m.put(i.entry().id(), i);
        }
        return new StoreSnapshot(seq, m);
    }

    public List<ModelInfo> list() {
        return List.copyOf(infos.values());
    }

    /** Whether every weight file of {@code m} is in the store (verified or present). */
    public boolean available(ModelOption m) {
        for (String id : m.catalogEntryIds()) {
            ModelInfo i = infos.get(id);
            if (i == null || i.status() == ModelStatus.MISSING || i.status() == ModelStatus.PARTIAL) {
                return false;
            }
        }
        return true;
    }

    /** Whether the entry's licence is accepted (or needs no acceptance); false while unknown. */
    public boolean accepted(String id) {
        ModelInfo i = infos.get(id);
        return i != null && i.licenceAccepted();
    }
}
