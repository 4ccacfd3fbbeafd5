package dev.restora.core.tiling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.engine.OutOfMemory;
import java.util.List;

/**
 * Runs a per-tile restoration over a large image in LQ space and blends the (scaled) tile outputs into one
 * canvas with {@link Blend} weights, one tile or several at a time along the batch axis. Cancellation is checked
 * before every tile (or batch of tiles); each runs in its own NDManager scope.
 */
public final class Tiler {

    /** Restores one tile; returns a 1 x C x h·scale x w·scale array (any manager: it is consumed at once). */
    @FunctionalInterface
    public interface TileRunner {
        NDArray run(TilePlan.Tile tile, int tileCount, NDArray lqTile, NDArray maskTile, NDManager scope);
    }

    private Tiler() {
    }

    /** Restores several tiles of one size at once along the batch axis. */
    @FunctionalInterface
    public interface BatchRunner {
        /**
         * @param tiles    the tiles of this batch, in plan order
         * @param lqTiles  B x C x h x w, B = tiles.size()
         * @param maskTiles B x 1 x h x w or null
         * @return B x C' x h·scale x w·scale (any manager: it is consumed at once)
         */
        NDArray run(List<TilePlan.Tile> tiles, int tileCount, NDArray lqTiles, NDArray maskTiles, NDManager scope);
    }

    /**
     * One tile at a time.
     *
     * @param lq      1 x C x H x W
     * @param mask    1 x 1 x H x W or null, tiled like {@code lq}
     * @param tile    tile side in LQ pixels
     * @param overlap overlap in LQ pixels (stride = tile - overlap)
     * @param scale   output / LQ size
     * @param owner   owns the returned canvas
     */
    public static NDArray run(NDArray lq, NDArray mask, int tile, int overlap, int scale, int outChannels, Blend blend,
                              TileRunner runner, CancellationToken token, NDManager owner) {
        return run(lq, mask, tile, overlap, scale, outChannels, blend, 1,
                (tiles, n, lqTiles, maskTiles, scope) -> runner.run(tiles.get(0), n, lqTiles, maskTiles, scope), token,
                owner);
    }

    /**
     * Up to {@code batch} tiles at a time, stacked along the batch axis (every tile of a plan has the same size), in
     * plan order; the result is the one-at-a-time result when the runner treats batch elements independently.
     */
    public static NDArray run(NDArray lq, NDArray mask, int tile, int overlap, int scale, int outChannels, Blend blend,
                              int batch, BatchRunner runner, CancellationToken token, NDManager owner) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        int h = (int) lq.getShape().get(2);
        int w = (int) lq.getShape().get(3);
        int stride = Math.max(1, tile - overlap);
        List<TilePlan.Tile> tiles = TilePlan.plan(h, w, tile, stride);
        NDArray canvas = owner.zeros(new Shape(1, outChannels, (long) h * scale, (long) w * scale));
        NDArray weight = owner.zeros(new Shape(1, 1, (long) h * scale, (long) w * scale));
        int ramp = overlap * scale;
        for (int first = 0; first < tiles.size(); first += batch) {
            if (token != null) {
                token.throwIfCancelled();
            }
            List<TilePlan.Tile> group = tiles.subList(first, Math.min(tiles.size(), first + batch));
            try (NDManager scope = owner.newSubManager()) {
                NDList lqParts = new NDList();
                NDList maskParts = new NDList();
                for (TilePlan.Tile t : group) {
                    String region = ":, :, " + t.y() + ":" + (t.y() + t.height()) + ", " + t.x() + ":"
                            + (t.x() + t.width());
                    NDArray part = lq.get(region);
                    part.attach(scope);
                    lqParts.add(part);
                    if (mask != null) {
                        NDArray m = mask.get(region);
                        m.attach(scope);
                        maskParts.add(m);
                    }
                }
                NDArray lqTiles = group.size() == 1 ? lqParts.get(0) : NDArrays.concat(lqParts, 0);
                NDArray maskTiles = mask == null ? null : group.size() == 1 ? maskParts.get(0)
                        : NDArrays.concat(maskParts, 0);
                NDArray out = runner.run(group, tiles.size(), lqTiles, maskTiles, scope);
                out.attach(scope);
                for (int i = 0; i < group.size(); i++) {
                    TilePlan.Tile t = group.get(i);
                    NDArray one = group.size() == 1 ? out : out.get(i + ":" + (i + 1));
                    int oh = t.height() * scale;
                    int ow = t.width() * scale;
                    float[] wy = blend.weights(oh, t.y() > 0, t.y() + t.height() < h, ramp);
                    float[] wx = blend.weights(ow, t.x() > 0, t.x() + t.width() < w, ramp);
                    NDArray wt = scope.create(wy, new Shape(1, 1, oh, 1)).mul(scope.create(wx, new Shape(1, 1, 1, ow)));
                    NDIndex outRegion = new NDIndex(":, :, " + t.y() * scale + ":" + (t.y() * scale + oh) + ", "
                            + t.x() * scale + ":" + (t.x() * scale + ow));
                    NDArray c = canvas.get(outRegion);
                    c.attach(scope);
                    canvas.set(outRegion, c.add(one.mul(wt)));
                    NDArray wc = weight.get(outRegion);
                    wc.attach(scope);
                    weight.set(outRegion, wc.add(wt));
                }
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
