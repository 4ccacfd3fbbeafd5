package dev.restora.resshift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDManager;
import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.SeededNoise;
import dev.restora.core.diffusion.StepListener;
import dev.restora.core.engine.OutOfMemory;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.pipeline.Media;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A GPU out of memory in the middle of a real ResShift run (fixture checkpoints, on the CPU): the failure is injected
 * where the engine would throw it, in the diffusion loop of a tile, worded as libtorch words a CUDA allocation
 * failure; the pipeline halves the tile and the result is the smaller tile's.
 */
class OutOfMemoryRetryTest {
    static final String CUDA_OOM = "CUDA out of memory. Tried to allocate 1.50 GiB (GPU 0; 7.79 GiB total capacity; "
            + "6.02 GiB already allocated; 0.98 GiB free; 6.20 GiB reserved in total by PyTorch)";

    /** Tiles without overlap: 2 tiles of the padding offset side by side cover the test image. */
    private static float[] run(PipelineFeaturesTest.Loaded l, ImageBuffer img, int tile, StepListener listener) {
        Map<String, Object> params = Map.of(ResShiftProvider.TILE_SIZE, tile, ResShiftProvider.TILE_OVERLAP, 0);
        try (NDManager scope = NDManager.newBaseManager()) {
            return ((Media.Image) l.pipeline().run(Media.of(img), PipelineParityTest.context(scope,
                    l.provider().descriptor(), params, new SeededNoise(5), listener, new CancellationToken(),
                    PreviewPolicy.OFF))).image().rgb();
        }
    }

    @Test
    void aTileOutOfMemoryHalvesTheTileAndGivesTheSmallerTilesResult() {
        try (NDManager weights = NDManager.newBaseManager()) {
            PipelineFeaturesTest.Loaded l = PipelineFeaturesTest.load(weights, false);
            int off = l.setup().variant().paddingOffset();
            ImageBuffer img = PipelineFeaturesTest.resized(PipelineFeaturesTest.input(l), off + off / 4, off);
            List<Integer> stagesSeen = new ArrayList<>();
            float[] retried = run(l, img, 2 * off, e -> {
                stagesSeen.add(e.stages());
                if (e.stages() == 1 && e.step() == 1) {
                    throw new EngineException(CUDA_OOM); // the whole image as one tile does not fit
                }
            });
            assertEquals(1, stagesSeen.get(0), "first attempt: one tile");
            assertEquals(2, stagesSeen.get(stagesSeen.size() - 1), "after halving: 2 tiles");
            float[] direct = run(l, img, off, StepListener.NONE);
            assertArrayEquals(direct, retried, "the retry is exactly a run with the halved tile");
        }
    }

    @Test
    void outOfMemoryAtTheSmallestTileIsReportedAndStillNamesTheDevice() {
        try (NDManager weights = NDManager.newBaseManager()) {
            PipelineFeaturesTest.Loaded l = PipelineFeaturesTest.load(weights, false);
            int off = l.setup().variant().paddingOffset();
            ImageBuffer img = PipelineFeaturesTest.resized(PipelineFeaturesTest.input(l), off + off / 4, off);
            List<Integer> attempts = new ArrayList<>();
            RestoraException e = assertThrows(RestoraException.class, () -> run(l, img, 2 * off, ev -> {
                attempts.add(ev.stages());
                throw new EngineException(CUDA_OOM);
            }));
            assertEquals(List.of(1, 2), attempts, "tried 2x, then 1x the padding offset");
            assertEquals("out of memory even with " + off + " px tiles; close other programs or process a smaller "
                    + "image", e.getMessage());
            assertTrue(OutOfMemory.onDevice(e), "the worker pool can still move the job to the CPU");
        }
    }
}
