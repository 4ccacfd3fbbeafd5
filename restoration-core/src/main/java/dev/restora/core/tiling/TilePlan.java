package dev.restora.core.tiling;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Tile positions in LQ pixels by the official rule (ImageSpliterTh, spec §5.1, T8): starts run over
 * {@code range(0, L, stride)}; a start whose tile would overrun the edge becomes {@code L - tile}; duplicates are
 * dropped in order; an axis no longer than the tile has the single start 0 (tile = L). Tiles are row-major.
 */
public final class TilePlan {
    /** One tile: index in visiting order and its LQ rectangle. */
    public record Tile(int index, int y, int x, int height, int width) {
    }

    private TilePlan() {
    }

    public static List<Integer> starts(int length, int tile, int stride) {
        if (tile <= 0 || stride <= 0) {
            throw new IllegalArgumentException("tile " + tile + " and stride " + stride + " must be positive");
        }
        if (length <= tile) {
            return List.of(0);
        }
        Set<Integer> out = new LinkedHashSet<>();
        for (int s = 0; s < length; s += stride) {
            out.add(s + tile > length ? length - tile : s);
        }
        return new ArrayList<>(out);
    }

    public static List<Tile> plan(int height, int width, int tile, int stride) {
        List<Tile> tiles = new ArrayList<>();
        int th = Math.min(tile, height);
        int tw = Math.min(tile, width);
        for (int y : starts(height, tile, stride)) {
            for (int x : starts(width, tile, stride)) {
                tiles.add(new Tile(tiles.size(), y, x, th, tw));
            }
        }
        return tiles;
    }
}
