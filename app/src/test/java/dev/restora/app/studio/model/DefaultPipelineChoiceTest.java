package dev.restora.app.studio.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.restora.app.studio.fixtures.SlowStepsProvider;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.jobs.WorkerPool;
import dev.restora.core.pipeline.Media;
import dev.restora.core.pipeline.PipelineProvider;
import dev.restora.core.plugins.PipelineRegistry;
import dev.restora.core.restore.StandInProviders;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An opened image starts on the core's default image pipeline (esrgan where installed), not the first listed. */
class DefaultPipelineChoiceTest {
    @TempDir
    Path dir;

    /** A stand-in for an installed image plugin: only its id and kind matter here. */
    static PipelineProvider named(String id) {
        return StandInProviders.image(id, List.of(), List.of());
    }

    static String chosen(Path home, PipelineRegistry registry) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        StudioContext ctx = new StudioContext(home, registry, Runnable::run, () -> {
            try {
                return new WorkerPool(List.of(Device.cpu()), 1);
            } finally {
                started.countDown();
            }
        });
        try {
            OpenedItem item = new OpenedItem(null, "pasted", Media.of(ImageBuffer.rgb(2, 2, new float[12])), null);
            return new WorkspaceModel(ctx, item).pipeline().get().descriptor().id();
        } finally {
            // the engine starts on its own thread and writes into home: let it finish before the folder goes
            assertTrue(started.await(60, TimeUnit.SECONDS), "the worker pool started");
            ctx.close();
        }
    }

    @Test
    void anImageStartsOnTheDefaultImagePipeline() throws InterruptedException {
        assertEquals("esrgan", chosen(dir.resolve("a"), PipelineRegistry.of(List.of(new SlowStepsProvider(),
                named("classic-image"), named("esrgan")))));
        assertEquals("classic-image", chosen(dir.resolve("b"), PipelineRegistry.of(List.of(new SlowStepsProvider(),
                named("classic-image")))));
    }
}
