package dev.restora.resshift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.PreviewFrame;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.SeededNoise;
import dev.restora.core.diffusion.StepEvent;
import dev.restora.core.diffusion.StepListener;
import dev.restora.core.engine.DeviceMemory;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.pipeline.Media;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Several tiles through the networks at once along the batch axis give what one tile at a time gives (fixture
 * checkpoints, on the CPU; each tile keeps its own forked noise), including an uneven last batch, with previews.
 */
class TileBatchTest {

    private static float[] run(PipelineFeaturesTest.Loaded l, ImageBuffer img, int tile, int batch,
                               StepListener listener, PreviewPolicy previews) {
        Map<String, Object> params = Map.of(ResShiftProvider.TILE_SIZE, tile, ResShiftProvider.TILE_OVERLAP, 0,
                ResShiftProvider.TILE_BATCH, batch);
        try (NDManager scope = NDManager.newBaseManager()) {
            return ((Media.Image) l.pipeline().run(Media.of(img), PipelineParityTest.context(scope,
                    l.provider().descriptor(), params, new SeededNoise(9), listener, new CancellationToken(),
                    previews))).image().rgb();
        }
    }

    @Test
    void tilesTogetherEqualTilesOneAtATime() {
        try (NDManager weights = NDManager.newBaseManager()) {
            PipelineFeaturesTest.Loaded l = PipelineFeaturesTest.load(weights, false);
            int off = l.setup().variant().paddingOffset();
            // 3 tiles side by side: a batch of 2 and a last batch of 1
            ImageBuffer img = PipelineFeaturesTest.resized(PipelineFeaturesTest.input(l), 2 * off + off / 4, off);
            float[] single = run(l, img, off, 1, StepListener.NONE, PreviewPolicy.OFF);
            List<StepEvent> events = new ArrayList<>();
            float[] batched = run(l, img, off, 2, events::add, new PreviewPolicy(true, 1, 0));
            assertEquals(single.length, batched.length);
            double max = 0;
            for (int i = 0; i < single.length; i++) {
                max = Math.max(max, Math.abs(single[i] - batched[i]));
            }
            System.out.printf("tiles 2 at a time vs 1: max |difference| %.3g over %d values%n", max, single.length);
            assertTrue(max <= 1e-5, "batched result differs by " + max);
            Set<String> labels = new LinkedHashSet<>();
            for (StepEvent e : events) {
                labels.add(e.stageLabel() + " (" + e.stage() + "/" + e.stages() + ")");
                PreviewFrame.Image q = (PreviewFrame.Image) e.quickPreview();
                assertNotNull(q, "a preview at every step");
                assertEquals(img.width() * l.setup().variant().scale(), q.width(), "the whole picture");
            }
            assertEquals(List.of("tiles 1-2/3 (0/2)", "tile 3/3 (1/2)"), List.copyOf(labels));
        }
    }

    @Test
    void tilesAtOnceFollowTheGpusFreeMemoryAndAreOneOnTheCpu() {
        ResShiftVariant v = ResShiftModels.variants().get(0); // x4, f4 autoencoder with 128 base channels
        assertEquals(1, TileBudget.tilesAtOnce(v, Device.cpu(), 64));
        try {
            // a 64 px tile decodes at 256 x 256: 200 B x 128 channels x 65536 pixels = 1.68 GB
            DeviceMemory.use(d -> d.isGpu() ? 8L << 30 : -1);
            assertEquals(2, TileBudget.tilesAtOnce(v, Device.gpu(0), 64), "60 % of 8 GiB less 1 GiB");
            DeviceMemory.use(d -> d.isGpu() ? 24L << 30 : -1);
            assertEquals(8, TileBudget.tilesAtOnce(v, Device.gpu(0), 64), "at most 8");
            assertEquals(1, TileBudget.tilesAtOnce(v, Device.cpu(), 64), "never a batch on the CPU");
            DeviceMemory.use(d -> -1);
            assertEquals(1, TileBudget.tilesAtOnce(v, Device.gpu(0), 64), "unknown memory: one at a time");
        } finally {
            DeviceMemory.use(DeviceMemory.BUILT_IN);
        }
    }
}
