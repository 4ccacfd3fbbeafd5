package dev.restora.core.tiling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.restora.core.diffusion.PreviewFrame;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The preview mosaic of a tiled run: canvas size, the dimmed input, tiles drawn where they lie. */
class TileMosaicTest {
    private static final int GREY = 0xff808080;
    private static final int DIM_GREY = 0xff404040;

    private static int[] grey(int w, int h) {
        int[] a = new int[w * h];
        Arrays.fill(a, GREY);
        return a;
    }

    private static PreviewFrame.Image solid(String label, int w, int h, int argb) {
        int[] a = new int[w * h];
        Arrays.fill(a, argb);
        return new PreviewFrame.Image(label, w, h, a);
    }

    @Test
    void tilesAreDrawnWhereTheyLieOverTheDimmedInput() {
        // 10 x 8 LQ pixels at x4: a 40 x 32 canvas; tiles of 6 with stride 4 -> starts 0, 4 on both axes
        List<TilePlan.Tile> tiles = TilePlan.plan(8, 10, 6, 4);
        assertEquals(4, tiles.size());
        TileMosaic m = new TileMosaic(10, 8, grey(10, 8), 4);
        assertEquals(40, m.width());
        assertEquals(32, m.height());
        // a latent-sized preview (any size) of tile 1 (x 4..10, y 0..6) fills canvas x 16..40, y 0..24
        PreviewFrame.Image f = m.show(tiles.get(1), solid("latent, tile 2/4", 3, 3, 0xffff0000));
        assertEquals("latent, tile 2/4", f.label());
        assertEquals(40 * 32, f.argb().length);
        assertEquals(DIM_GREY, f.argb()[0], "still to be restored: the input, dimmed");
        assertEquals(DIM_GREY, f.argb()[23 * 40 + 15], "left of the tile");
        assertEquals(0xffff0000, f.argb()[0 * 40 + 16]);
        assertEquals(0xffff0000, f.argb()[23 * 40 + 39]);
        assertEquals(DIM_GREY, f.argb()[24 * 40 + 39], "below the tile");
        // a picture with structure is scaled: its left half to the tile's left half
        int[] halves = new int[24 * 24];
        for (int i = 0; i < halves.length; i++) {
            halves[i] = i % 24 < 12 ? 0xff0000ff : 0xff00ff00;
        }
        m.keep(tiles.get(2), new PreviewFrame.Image("restored", 24, 24, halves));
        PreviewFrame.Image g = m.show(tiles.get(3), solid("tile 4/4", 24, 24, 0xffffffff));
        assertEquals(0xff0000ff, g.argb()[30 * 40 + 0], "tile 3 kept, left half");
        assertEquals(0xff00ff00, g.argb()[30 * 40 + 13], "tile 3 kept, right half");
        assertEquals(0xffffffff, g.argb()[31 * 40 + 16], "tile 4 drawn over the overlap");
        assertEquals(0xffff0000, g.argb()[0 * 40 + 39], "tile 2 still there");
        assertNotSame(f.argb(), g.argb(), "each frame is a copy");
        assertEquals(DIM_GREY, f.argb()[31 * 40 + 39], "an earlier frame is not drawn into later");
    }

    @Test
    void largeOutputsArePreviewedAtMostMaxSide() {
        TileMosaic m = new TileMosaic(600, 300, grey(600, 300), 4);
        assertEquals(TileMosaic.MAX_SIDE, m.width());
        assertEquals(TileMosaic.MAX_SIDE / 2, m.height());
        assertThrows(IllegalArgumentException.class, () -> new TileMosaic(10, 10, new int[99], 4));
        // a tile of 300 LQ px is 1200 px of output but 512 px on the canvas: every 2nd pixel still covers it
        TilePlan.Tile half = new TilePlan.Tile(0, 0, 0, 300, 300);
        assertEquals(2, m.subsampling(half, 1200));
        assertEquals(1, m.subsampling(half, 512));
        assertEquals(1, m.subsampling(half, 100), "never below one");
        TileMosaic small = new TileMosaic(10, 8, grey(10, 8), 4);
        assertEquals(1, small.subsampling(TilePlan.plan(8, 10, 6, 4).get(0), 24), "a canvas at output size");
    }
}
