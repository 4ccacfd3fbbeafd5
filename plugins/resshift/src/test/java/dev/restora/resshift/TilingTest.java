package dev.restora.resshift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.CancelledException;
import dev.restora.core.nn.Resize;
import dev.restora.core.tiling.Blend;
import dev.restora.core.tiling.TilePlan;
import dev.restora.core.tiling.Tiler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Tile plans (spec T8), blending, the seam measurement of smooth vs average blending, OOM retry, cancellation. */
class TilingTest {

    @Test
    void officialTileStarts() {
        assertEquals(List.of(0, 448, 488), TilePlan.starts(1000, 512, 448));
        assertEquals(List.of(0), TilePlan.starts(512, 512, 448));
        assertEquals(List.of(0, 224, 344), TilePlan.starts(600, 256, 224));
        assertEquals(List.of(0, 48, 66), TilePlan.starts(130, 64, 48));
        List<TilePlan.Tile> p = TilePlan.plan(48, 40, 32, 16);
        assertEquals(4, p.size());
        assertEquals(new TilePlan.Tile(1, 0, 8, 32, 32), p.get(1));
        assertEquals(new TilePlan.Tile(2, 16, 0, 32, 32), p.get(2));
    }

    @Test
    void smoothWeightsArePositiveAndRampOnlyAtSharedEdges() {
        float[] w = Blend.SMOOTH.weights(64, true, false, 16);
        assertTrue(w[0] > 0 && w[0] < 0.01f, "starts near zero: " + w[0]);
        assertTrue(w[15] > 0.99f);
        assertEquals(1f, w[63]);
        for (int i = 1; i < 16; i++) {
            assertTrue(w[i] > w[i - 1], "monotone ramp");
        }
        assertArrayEquals(Blend.AVERAGE.weights(8, true, true, 4), new float[] {1, 1, 1, 1, 1, 1, 1, 1});
    }

    /** A test image: smooth gradients plus texture, 1 x 3 x h x w in [-1, 1]. */
    static NDArray testImage(NDManager m, int h, int w) {
        float[] v = new float[3 * h * w];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    v[(c * h + y) * w + x] = (float) (0.6 * Math.sin(0.11 * x + 0.7 * c) * Math.cos(0.07 * y)
                            + 0.3 * Math.sin(0.9 * x * y / (w + 1.0)));
                }
            }
        }
        return m.create(v, new Shape(1, 3, h, w));
    }

    /** Largest jump between neighbouring pixels of the error image (output - reference), over both axes. */
    static double maxErrorStep(NDArray out, NDArray ref) {
        NDArray e = out.sub(ref);
        long h = e.getShape().get(2);
        long w = e.getShape().get(3);
        double dy = e.get(":, :, 1:, :").sub(e.get(":, :, 0:" + (h - 1) + ", :")).abs().max().getFloat();
        double dx = e.get(":, :, :, 1:").sub(e.get(":, :, :, 0:" + (w - 1))).abs().max().getFloat();
        return Math.max(dx, dy);
    }

    static NDArray nearest4(NDArray x) {
        long c = x.getShape().get(1);
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        return x.reshape(1, c, h, 1, w, 1).broadcast(1, c, h, 4, w, 4).reshape(1, c, 4 * h, 4 * w);
    }

    @Test
    void smoothBlendingRemovesTheSeamsOfPlainAveraging() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray lq = testImage(m, 40, 56);
            NDArray reference = nearest4(lq);
            // tiles that agree reproduce the untiled result exactly with either blending
            // a point-wise x4 (nearest) so that tiles of the same image agree exactly
            Tiler.TileRunner exact = (t, n, tile, mask, scope) -> nearest4(tile);
            for (Blend b : Blend.values()) {
                NDArray out = Tiler.run(lq, null, 24, 8, 4, 3, b, exact, null, m);
                assertTrue(out.sub(reference).abs().max().getFloat() < 1e-5, b + " changes agreeing tiles");
            }
            // tiles that disagree (each with its own offset, as independent diffusion runs do)
            Tiler.TileRunner disagree = (t, n, tile, mask, scope) ->
                    nearest4(tile).add(0.08f * ((t.index() * 7) % 5 - 2));
            NDArray avg = Tiler.run(lq, null, 24, 8, 4, 3, Blend.AVERAGE, disagree, null, m);
            NDArray smooth = Tiler.run(lq, null, 24, 8, 4, 3, Blend.SMOOTH, disagree, null, m);
            double seamAvg = maxErrorStep(avg, reference);
            double seamSmooth = maxErrorStep(smooth, reference);
            System.out.printf("largest seam step of the error image: plain average %.4f, raised-cosine %.4f (%.1fx)%n",
                    seamAvg, seamSmooth, seamAvg / seamSmooth);
            assertTrue(seamAvg > 0.02, "the averaged tiles should show steps: " + seamAvg);
            assertTrue(seamSmooth < seamAvg / 5, "smooth blending should cut the seam steps: " + seamSmooth);
        }
    }

    @Test
    void cancellationIsCheckedBetweenTiles() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray lq = testImage(m, 40, 40);
            CancellationToken token = new CancellationToken();
            AtomicInteger calls = new AtomicInteger();
            Tiler.TileRunner cancelling = (t, n, tile, mask, scope) -> {
                calls.incrementAndGet();
                token.cancel();
                return Resize.bicubic(tile, 4);
            };
            assertThrows(CancelledException.class,
                    () -> Tiler.run(lq, null, 24, 8, 4, 3, Blend.SMOOTH, cancelling, token, m));
            assertEquals(1, calls.get());
        }
    }

    @Test
    void outOfMemoryHalvesTheTileAndRetries() {
        List<Integer> tried = new ArrayList<>();
        List<Integer> retries = new ArrayList<>();
        String r = Tiler.withRetry(512, 64, t -> {
            tried.add(t);
            if (t > 128) {
                throw new EngineException("[enforce fail at alloc_cpu.cpp:118] DefaultCPUAllocator: can't allocate memory");
            }
            return "ok " + t;
        }, retries::add);
        assertEquals("ok 128", r);
        assertEquals(List.of(512, 256, 128), tried);
        assertEquals(List.of(256, 128), retries);
        RestoraException e = assertThrows(RestoraException.class, () -> Tiler.withRetry(128, 64, t -> {
            throw new EngineException("CUDA out of memory. Tried to allocate 2.00 GiB");
        }, null));
        assertTrue(e.getMessage().contains("out of memory"));
        // other engine errors are not retried
        AtomicInteger n = new AtomicInteger();
        assertThrows(EngineException.class, () -> Tiler.withRetry(512, 64, t -> {
            n.incrementAndGet();
            throw new EngineException("shape mismatch");
        }, null));
        assertEquals(1, n.get());
    }

    @Test
    void autoTileIsAMultipleOfThePaddingOffsetWithinBounds() {
        for (ResShiftVariant v : ResShiftModels.variants()) {
            int t = TileBudget.autoTile(v, ai.djl.Device.cpu());
            assertEquals(0, t % v.paddingOffset(), v.id() + " tile " + t);
            assertTrue(t >= v.paddingOffset() && t <= Math.max(v.paddingOffset(), v.scale() > 1 ? 1024 : 2048));
        }
        ResShiftVariant sr = ResShiftModels.variants().get(0);
        assertEquals(64, TileBudget.clampTile(sr, 10));
        assertEquals(448, TileBudget.clampTile(sr, 500));
        assertEquals(1024, TileBudget.clampTile(sr, 100000));
    }
}
