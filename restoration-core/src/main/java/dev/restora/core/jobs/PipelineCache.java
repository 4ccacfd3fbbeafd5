package dev.restora.core.jobs;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.restora.core.RestoraException;
import dev.restora.core.models.ModelResolver;
import dev.restora.core.pipeline.ModelOption;
import dev.restora.core.pipeline.PipelineContext;
import dev.restora.core.pipeline.PipelineDescriptor;
import dev.restora.core.pipeline.PipelineProvider;
import dev.restora.core.pipeline.RestorationPipeline;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker lane's loaded pipelines, keyed by (pipeline id, model id), least recently used evicted first. Each
 * pipeline's weights live in their own NDManager, closed with the pipeline on eviction or when the lane shuts down.
 * Used from the lane's worker thread (pipelines are confined to one thread); the methods are synchronized so that
 * listings and shutdown from other threads are safe, and a load runs outside the lock so that they never wait for
 * it.
 */
public final class PipelineCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineCache.class);

    /** The cache key. */
    public record Key(String pipelineId, String modelId) {
        public Key {
            Objects.requireNonNull(pipelineId, "pipelineId");
            Objects.requireNonNull(modelId, "modelId");
        }
    }

    /** Builds a pipeline whose weights go into {@code weights} (owned by the cache). */
    @FunctionalInterface
    public interface Loader {
        RestorationPipeline load(Device device, NDManager weights);
    }

    private record Entry(RestorationPipeline pipeline, NDManager weights) {
    }

    private final NDManager root;
    private final Device device;
    private final int capacity;
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private boolean closed;

    /**
     * @param root     parent of the pipelines' weight managers
     * @param capacity how many pipelines stay loaded at once (at least 1)
     */
    public PipelineCache(NDManager root, Device device, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("pipeline cache capacity must be at least 1");
        }
        this.root = root;
        this.device = device;
        this.capacity = capacity;
    }

    /**
     * The cached pipeline for (pipelineId, modelId), loading it with {@code loader} on a miss. The load (a checkpoint
     * read, possibly hashing gigabytes) runs without holding the cache's lock, so listings from other threads
     * ({@link #keys()}, the studio's lane view on the UI thread) never wait for it. When the cache is closed while
     * the load runs, the fresh pipeline is closed and an {@link IllegalStateException} thrown.
     */
    public RestorationPipeline get(String pipelineId, String modelId, Loader loader) {
        Key key = new Key(pipelineId, modelId);
        List<Map.Entry<Key, Entry>> evicted = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the pipeline cache is closed");
            }
            Entry e = entries.get(key);
            if (e != null) {
                return e.pipeline();
            }
            // make room first, so two large models never sit in memory together
            evictFor(1, evicted);
        }
        releaseAll(evicted);
        NDManager weights = root.newSubManager(device);
        weights.setName("weights " + pipelineId + "/" + modelId);
        RestorationPipeline p;
        try {
            p = Objects.requireNonNull(loader.load(device, weights), "the loader returned no pipeline");
        } catch (RuntimeException | Error ex) {
            weights.close();
            throw ex;
        }
        Entry loaded = new Entry(p, weights);
        RestorationPipeline winner;
        synchronized (this) {
            if (closed) {
                winner = null;
            } else {
                Entry other = entries.get(key);
                if (other != null) {
                    winner = other.pipeline(); // another thread loaded it meanwhile (not the lanes' use)
                } else {
                    evictFor(1, evicted);
                    entries.put(key, loaded);
                    winner = p;
                }
            }
        }
        releaseAll(evicted);
        if (winner == null) {
            release(key, loaded);
            throw new IllegalStateException("the pipeline cache was closed while " + pipelineId + "/" + modelId
                    + " was loading");
        }
        if (winner != p) {
            release(key, loaded);
            return winner;
        }
        LOG.info("loaded pipeline {} model {} on {}", pipelineId, modelId, device);
        return p;
    }

    /** Removes least recently used entries until {@code room} more fit; the caller releases them. Locked. */
    private void evictFor(int room, List<Map.Entry<Key, Entry>> out) {
        while (!entries.isEmpty() && entries.size() + room > capacity) {
            Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator();
            Map.Entry<Key, Entry> eldest = it.next();
            it.remove();
            out.add(Map.entry(eldest.getKey(), eldest.getValue()));
        }
    }

    private static void releaseAll(List<Map.Entry<Key, Entry>> evicted) {
        for (Map.Entry<Key, Entry> e : evicted) {
            release(e.getKey(), e.getValue());
        }
        evicted.clear();
    }

    /**
     * The cached pipeline of {@code provider}'s model {@code modelId} (null = its default), created on a miss.
     *
     * @throws RestoraException for an unknown model id, listing the pipeline's models
     */
    public RestorationPipeline get(PipelineProvider provider, String modelId, ModelResolver models) {
        PipelineDescriptor d = provider.descriptor();
        ModelOption model;
        try {
            model = d.requireModel(modelId);
        } catch (IllegalArgumentException e) {
            throw new RestoraException(e.getMessage(), e);
        }
        return get(d.id(), model.id(), (dev, weights) -> provider.create(new PipelineContext(model, dev, weights,
                models)));
    }

    /** Closes and forgets one pipeline; false when it was not loaded. */
    public synchronized boolean evict(String pipelineId, String modelId) {
        Key key = new Key(pipelineId, modelId);
        Entry e = entries.remove(key);
        if (e == null) {
            return false;
        }
        release(key, e);
        return true;
    }

    /** Closes every pipeline. */
    public synchronized void clear() {
        List<Map.Entry<Key, Entry>> all = new ArrayList<>(entries.entrySet());
        entries.clear();
        for (Map.Entry<Key, Entry> e : all) {
            release(e.getKey(), e.getValue());
        }
    }

    /** The loaded pipelines, least recently used first. */
    public synchronized List<Key> keys() {
        return List.copyOf(entries.keySet());
    }

    public synchronized int size() {
        return entries.size();
    }

    public int capacity() {
        return capacity;
    }

    public Device device() {
        return device;
    }

    @Override
    public synchronized void close() {
        clear();
        closed = true;
    }

    private static void release(Key key, Entry e) {
        try {
            e.pipeline().close();
        } catch (Exception ex) {
            LOG.warn("closing pipeline {} failed", key, ex);
        } finally {
            e.weights().close();
        }
        LOG.info("unloaded pipeline {} model {}", key.pipelineId(), key.modelId());
    }
}
