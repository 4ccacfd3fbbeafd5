package dev.restora.core.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.SeededNoise;
import dev.restora.core.engine.EngineSetup;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.models.ModelResolver;
import dev.restora.core.pipeline.Media;
import dev.restora.core.pipeline.Modality;
import dev.restora.core.pipeline.ModelOption;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.PipelineContext;
import dev.restora.core.pipeline.PipelineDescriptor;
import dev.restora.core.pipeline.PipelineProvider;
import dev.restora.core.pipeline.RestorationPipeline;
import dev.restora.core.pipeline.RunContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The lanes' pipeline cache, alone and through the worker pool. */
class PipelineCacheTest {
    private static final ModelResolver NO_FILES = id -> {
        throw new RestoraException("no model files in this test: " + id);
    };

    @BeforeAll
    static void engine() {
        EngineSetup.configure();
    }

    /** A weight-holding pipeline: multiplies an image by its gain, a one-element weight tensor. */
    static final class GainProvider implements PipelineProvider {
        final AtomicInteger created = new AtomicInteger();
        final List<GainPipeline> pipelines = new ArrayList<>();

        @Override
        public PipelineDescriptor descriptor() {
            return new PipelineDescriptor("gain", "Gain", Modality.IMAGE, "multiplies the pixels",
                    List.of(new ModelOption("x2", "Double", List.of(), 1, ""),
                            new ModelOption("x3", "Triple", List.of(), 1, "")), List.of());
        }

        @Override
        public RestorationPipeline create(PipelineContext context) {
            created.incrementAndGet();
            float gain = context.model().id().equals("x2") ? 2f : 3f;
            GainPipeline p = new GainPipeline(this, context.manager().create(new float[] {gain}));
            pipelines.add(p);
            return p;
        }
    }

    static final class GainPipeline implements RestorationPipeline {
        final GainProvider provider;
        final NDArray gain;
        volatile boolean closed;

        GainPipeline(GainProvider provider, NDArray gain) {
            this.provider = provider;
            this.gain = gain;
        }

        @Override
        public PipelineDescriptor descriptor() {
            return provider.descriptor();
        }

        @Override
        public Media run(Media input, RunContext context) {
            if (closed) {
                throw new IllegalStateException("run on a closed pipeline");
            }
            ImageBuffer img = ((Media.Image) input).image();
            NDArray x = context.scope().create(img.rgb());
            float[] out = x.mul(gain).toFloatArray();
            return Media.of(ImageBuffer.rgb(img.width(), img.height(), out));
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void loadsOncePerKeyEvictsLeastRecentlyUsedAndClosesWhatItEvicts() {
        GainProvider provider = new GainProvider();
        try (NDManager root = NDManager.newBaseManager()) {
            PipelineCache cache = new PipelineCache(root, Device.cpu(), 1);
            RestorationPipeline a = cache.get(provider, null, NO_FILES);
            assertSame(a, cache.get(provider, "x2", NO_FILES));
            assertEquals(1, provider.created.get());
            assertEquals(List.of(new PipelineCache.Key("gain", "x2")), cache.keys());
            GainPipeline first = (GainPipeline) a;
            NDManager firstWeights = first.gain.getManager();
            assertTrue(firstWeights.isOpen());

            RestorationPipeline b = cache.get(provider, "x3", NO_FILES);
            assertTrue(first.closed, "evicted pipeline closed");
            assertFalse(firstWeights.isOpen(), "evicted pipeline's weights freed");
            assertEquals(List.of(new PipelineCache.Key("gain", "x3")), cache.keys());
            assertEquals(2, provider.created.get());

            assertTrue(cache.evict("gain", "x3"));
            assertFalse(cache.evict("gain", "x3"));
            assertTrue(((GainPipeline) b).closed);
            assertEquals(0, root.getManagedArrays().size());

            RestoraException unknown = assertThrows(RestoraException.class, () -> cache.get(provider, "x9", NO_FILES));
            assertEquals("pipeline gain has no model 'x9'; its models are [x2, x3]", unknown.getMessage());

            IllegalStateException boom = assertThrows(IllegalStateException.class, () -> cache.get("bad", "m",
                    (device, weights) -> {
                        weights.zeros(new ai.djl.ndarray.types.Shape(1000));
                        throw new IllegalStateException("corrupt weights");
                    }));
            assertEquals("corrupt weights", boom.getMessage());
            assertEquals(0, root.getManagedArrays().size(), "a failed load frees what it made");
            assertEquals(0, cache.size());

            RestorationPipeline c = cache.get(provider, "x2", NO_FILES);
            cache.close();
            assertTrue(((GainPipeline) c).closed);
            assertThrows(IllegalStateException.class, () -> cache.get(provider, "x2", NO_FILES));
        }
    }

    @Test
    void capacityTwoKeepsTheMostRecentlyUsed() {
        GainProvider provider = new GainProvider();
        try (NDManager root = NDManager.newBaseManager(); PipelineCache cache = new PipelineCache(root, Device.cpu(), 2)) {
            cache.get(provider, "x2", NO_FILES);
            cache.get(provider, "x3", NO_FILES);
            cache.get(provider, "x2", NO_FILES); // x2 is now the most recent
            cache.get("other", "m", (d, w) -> new GainPipeline(provider, w.create(new float[] {1})));
            assertEquals(List.of(new PipelineCache.Key("gain", "x2"), new PipelineCache.Key("other", "m")),
                    cache.keys());
            assertEquals(2, provider.created.get());
        }
    }

    @Test
    void jobsOnALaneShareItsLoadedPipelineAndShutdownClosesIt() throws Exception {
        GainProvider provider = new GainProvider();
        WorkerPool pool = new WorkerPool(List.of(Device.cpu()), 2);
        try {
            List<Job<Media>> jobs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                float v = i;
                jobs.add(pool.submit("gain " + i, JobPriority.BATCH, ctx -> {
                    RestorationPipeline p = ctx.pipelines().get(provider, "x3", NO_FILES);
                    RunContext run = ctx.runContext(ParameterValues.defaults(List.of()), new SeededNoise(1),
                            PreviewPolicy.OFF);
                    return p.run(Media.of(ImageBuffer.rgb(1, 1, new float[] {v, 0.5f, 1})), run);
                }));
            }
            for (int i = 0; i < 5; i++) {
                assertTrue(jobs.get(i).await(Duration.ofSeconds(30)));
                assertEquals(JobState.SUCCEEDED, jobs.get(i).state(), jobs.get(i).errorMessage());
                assertArrayEquals(new float[] {3f * i, 1.5f, 3f},
                        ((Media.Image) jobs.get(i).result()).image().rgb(), 1e-6f);
            }
            assertEquals(1, provider.created.get(), "loaded once for five jobs");
            assertEquals(List.of(new PipelineCache.Key("gain", "x3")), pool.lanes().get(0).pipelines());
            assertEquals(0, pool.openJobArrays());
        } finally {
            assertTrue(pool.shutdown(Duration.ofSeconds(10)));
        }
        assertTrue(provider.pipelines.get(0).closed, "shutdown closes the cached pipelines");
        assertFalse(provider.pipelines.get(0).gain.getManager().isOpen());
    }
    @Test
    void listingsDoNotWaitForALoadAndACloseDuringTheLoadFreesTheNewPipeline() throws Exception {
        GainProvider provider = new GainProvider();
        try (NDManager root = NDManager.newBaseManager()) {
            PipelineCache cache = new PipelineCache(root, Device.cpu(), 2);
            cache.get(provider, "x2", NO_FILES);
            CountDownLatch loading = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<GainPipeline> made = new AtomicReference<>();
            ExecutorService lane = Executors.newSingleThreadExecutor();
            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                Future<RestorationPipeline> slow = lane.submit(() -> cache.get("slow", "m", (d, w) -> {
                    GainPipeline p = new GainPipeline(provider, w.create(new float[] {1}));
                    made.set(p);
                    loading.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return p;
                }));
                assertTrue(loading.await(30, TimeUnit.SECONDS), "the load started");
                // the loader is blocked on the latch: a listing from another thread must still answer
                // (the timeout only guards against a hang; with the lock held during the load it never returns)
                Future<List<PipelineCache.Key>> keys = other.submit(cache::keys);
                assertEquals(List.of(new PipelineCache.Key("gain", "x2")), keys.get(60, TimeUnit.SECONDS));
                assertEquals(1, (int) other.submit(cache::size).get(60, TimeUnit.SECONDS));
                assertFalse(slow.isDone());

                // the lane shuts down while the load runs: the fresh pipeline is closed, not cached
                other.submit(cache::close).get(60, TimeUnit.SECONDS);
                release.countDown();
                ExecutionException failed = assertThrows(ExecutionException.class,
                        () -> slow.get(60, TimeUnit.SECONDS));
                assertTrue(failed.getCause() instanceof IllegalStateException, String.valueOf(failed.getCause()));
                assertTrue(made.get().closed, "the pipeline loaded during the close is closed");
                assertFalse(made.get().gain.getManager().isOpen(), "and its weights freed");
                assertEquals(List.of(), cache.keys());
                assertEquals(0, root.getManagedArrays().size());
            } finally {
                release.countDown();
                lane.shutdownNow();
                other.shutdownNow();
            }
        }
    }
}
