package dev.restora.core.tiling;

import dev.restora.core.diffusion.PreviewFrame;

/**
 * The whole picture while a tiled run goes on. A preview canvas of the output's shape (at most {@link #MAX_SIDE}
 * pixels a side) starts as the input enlarged and dimmed; each tile's preview is drawn where the tile lies and each
 * finished tile's result stays, so the previews of a multi-tile run show the image filling in instead of one tile at
 * a time. Tile pictures of any size (latent or decoded previews, results) are scaled to the tile's place by nearest
 * neighbour. Previews only: the restored image is blended by {@link Tiler}.
 */
public final class TileMosaic {
    /** Largest canvas side: previews are for the screen, not the output. */
    public static final int MAX_SIDE = 1024;

    private final int width;
    private final int height;
    private final double unitX;
    private final double unitY;
    private final int[] canvas;

    /**
     * @param lqWidth  input width, LQ pixels
     * @param lqHeight input height
     * @param lqArgb   the input, packed ARGB, row-major
     * @param scale    output size / input size
     */
    public TileMosaic(int lqWidth, int lqHeight, int[] lqArgb, int scale) {
        if (lqArgb.length != lqWidth * lqHeight) {
            throw new IllegalArgumentException("the input has " + lqArgb.length + " pixels, not " + lqWidth + "x"
                    + lqHeight);
        }
        long outW = (long) lqWidth * scale;
        long outH = (long) lqHeight * scale;
        double fit = Math.min(1, MAX_SIDE / (double) Math.max(outW, outH));
        this.width = (int) Math.max(1, Math.round(outW * fit));
        this.height = (int) Math.max(1, Math.round(outH * fit));
        this.unitX = width / (double) lqWidth;
        this.unitY = height / (double) lqHeight;
        this.canvas = new int[width * height];
        for (int y = 0; y < height; y++) {
            int sy = Math.min(lqHeight - 1, (int) (y / unitY));
            for (int x = 0; x < width; x++) {
                int sx = Math.min(lqWidth - 1, (int) (x / unitX));
                canvas[y * width + x] = dim(lqArgb[sy * lqWidth + sx]);
            }
        }
    }

    /** Half brightness: what is still to be restored. */
    private static int dim(int argb) {
        return 0xff000000 | (argb >> 1 & 0x7f7f7f);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /**
     * By how much a picture {@code pictureWidth} pixels wide may be subsampled (every k-th pixel) and still cover the
     * tile's place at full canvas resolution: lets a caller shrink a large tile on the device before copying it out.
     */
    public int subsampling(TilePlan.Tile tile, long pictureWidth) {
        long place = Math.max(1, Math.round((tile.x() + tile.width()) * unitX) - Math.round(tile.x() * unitX));
        return (int) Math.max(1, pictureWidth / place);
    }

    /** Draws {@code picture} over the tile's place and returns the whole canvas, labelled as the picture. */
    public synchronized PreviewFrame.Image show(TilePlan.Tile tile, PreviewFrame.Image picture) {
        keep(tile, picture);
        return new PreviewFrame.Image(picture.label(), width, height, canvas.clone());
    }

    /** Draws {@code picture} over the tile's place (a finished tile's result, say). */
    public synchronized void keep(TilePlan.Tile tile, PreviewFrame.Image picture) {
        int x0 = (int) Math.round(tile.x() * unitX);
        int y0 = (int) Math.round(tile.y() * unitY);
        int x1 = Math.min(width, (int) Math.round((tile.x() + tile.width()) * unitX));
        int y1 = Math.min(height, (int) Math.round((tile.y() + tile.height()) * unitY));
        int pw = picture.width();
        int ph = picture.height();
        for (int y = y0; y < y1; y++) {
            int sy = Math.min(ph - 1, (int) ((long) (y - y0) * ph / (y1 - y0)));
            for (int x = x0; x < x1; x++) {
                int sx = Math.min(pw - 1, (int) ((long) (x - x0) * pw / (x1 - x0)));
                canvas[y * width + x] = picture.argb()[sy * pw + sx];
            }
        }
    }
}
