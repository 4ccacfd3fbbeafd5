package dev.restora.core.tiling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.engine.OutOfMemory;
import java.util.List;

/**
 * Runs a per-tile restoration over a large image in LQ space and blends the (scaled) tile outputs into one
 * canvas with {@link Blend} weights. Cancellation is checked before every tile; each tile runs in its own
 * NDManager scope.
 */
public final class Tiler {

    /** Restores one tile; returns a 1 x C x h·scale x w·scale array (any manager: it is consumed at once). */
    @FunctionalInterface
    public interface TileRunner {
        NDArray run(TilePlan.Tile tile, int tileCount, NDArray lqTile, NDArray maskTile, NDManager scope);
    }

    private Tiler() {
    }

    /**
     * @param lq      1 x C x H x W
     * @param mask    1 x 1 x H x W or null, tiled like {@code lq}
     * @param tile    tile side in LQ pixels
     * @param overlap overlap in LQ pixels (stride = tile - overlap)
     * @param scale   output / LQ size
     * @param owner   owns the returned canvas
     */
    public static NDArray run(NDArray lq, NDArray mask, int tile, int overlap, int scale, int outChannels, Blend blend,
                              TileRunner runner, CancellationToken token, NDManager owner) {
        int h = (int) lq.getShape().get(2);
        int w = (int) lq.getShape().get(3);
        int stride = Math.max(1, tile - overlap);
        List<TilePlan.Tile> tiles = TilePlan.plan(h, w, tile, stride);
        NDArray canvas = owner.zeros(new Shape(1, outChannels, (long) h * scale, (long) w * scale));
        NDArray weight = owner.zeros(new Shape(1, 1, (long) h * scale, (long) w * scale));
        int ramp = overlap * scale;
        for (TilePlan.Tile t : tiles) {
            if (token != null) {
                token.throwIfCancelled();
            }
            try (NDManager scope = owner.newSubManager()) {
                String region = ":, :, " + t.y() + ":" + (t.y() + t.height()) + ", " + t.x() + ":" + (t.x() + t.width());
                NDArray lqTile = lq.get(region);
                lqTile.attach(scope);
                NDArray maskTile = null;
                if (mask != null) {
                    maskTile = mask.get(region);
                    maskTile.attach(scope);
                }
                NDArray out = runner.run(t, tiles.size(), lqTile, maskTile, scope);
                out.attach(scope);
                int oh = t.height() * scale;
                int ow = t.width() * scale;
                float[] wy = blend.weights(oh, t.y() > 0, t.y() + t.height() < h, ramp);
                float[] wx = blend.weights(ow, t.x() > 0, t.x() + t.width() < w, ramp);
                NDArray wt = scope.create(wy, new Shape(1, 1, oh, 1)).mul(scope.create(wx, new Shape(1, 1, 1, ow)));
                NDIndex outRegion = new NDIndex(":, :, " + t.y() * scale + ":" + (t.y() * scale + oh) + ", "
                        + t.x() * scale + ":" + (t.x() * scale + ow));
                NDArray c = canvas.get(outRegion);
                c.attach(scope);
                canvas.set(outRegion, c.add(out.mul(wt)));
                NDArray wc = weight.get(outRegion);
                wc.attach(scope);
                weight.set(outRegion, wc.add(wt));
            }
        }
        return canvas.div(weight);
    }

    /** One attempt at a given tile side. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run(int tile);
    }

    /**
     * Runs {@code attempt} with {@code tile}, halving the tile and retrying while it runs out of memory (on any
     * device: {@link OutOfMemory}); below {@code minTile} the out-of-memory error is reported to the user (still
     * its cause, so a GPU run can fall back to the CPU). Other errors pass through.
     */
    public static <T> T withRetry(int tile, int minTile, Attempt<T> attempt, java.util.function.IntConsumer onRetry) {
        return OutOfMemory.halving(tile, minTile, attempt::run, onRetry, t -> "out of memory even with " + t
                + " px tiles; close other programs or process a smaller image");
    }
}
