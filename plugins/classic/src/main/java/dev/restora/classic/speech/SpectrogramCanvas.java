package dev.restora.classic.speech;

import dev.restora.core.diffusion.PreviewFrame;
import java.util.Arrays;

/**
 * A display-size magnitude spectrogram (dB) of one channel being enhanced, filled left to right as frames are done;
 * columns not yet processed stay at {@link #FLOOR_DB}. Frames and bins are max-pooled so the preview stays small for
 * long recordings (at most {@value #MAX_COLUMNS} by {@value #MAX_ROWS}). Built from the enhancer's own per-frame
 * spectra, so previews cost no extra transform.
 */
final class SpectrogramCanvas {
    static final int MAX_COLUMNS = 1024;
    static final int MAX_ROWS = 512;
    static final float FLOOR_DB = -120f;

    private final int frames;
    private final int bins;
    private final int framePool;
    private final int binPool;
    private final int columns;
    private final int rows;
    private final float[] grid;
    private final int sampleRate;

    SpectrogramCanvas(int frames, int bins, int sampleRate) {
        this.frames = frames;
        this.bins = bins;
        this.framePool = Math.max(1, (frames + MAX_COLUMNS - 1) / MAX_COLUMNS);
        this.binPool = Math.max(1, (bins + MAX_ROWS - 1) / MAX_ROWS);
        this.columns = (frames + framePool - 1) / framePool;
        this.rows = (bins + binPool - 1) / binPool;
        this.sampleRate = sampleRate;
        this.grid = new float[rows * columns];
        Arrays.fill(grid, FLOOR_DB);
    }

    /** Adds enhanced frames {@code from..to-1}, given as {@code db[(t - from) * bins + bin]}. */
    void addEnhanced(float[] db, int from, int to) {
        for (int t = from; t < to; t++) {
            int col = t / framePool;
            int offset = (t - from) * bins;
            for (int k = 0; k < bins; k++) {
                int cell = (k / binPool) * columns + col;
                grid[cell] = Math.max(grid[cell], db[offset + k]);
            }
        }
    }

    /** A copy of the current picture, safe to hand to another thread. */
    PreviewFrame.Spectrogram render(String label) {
        return new PreviewFrame.Spectrogram(label, rows, columns, grid.clone(), null, sampleRate);
    }

    int frames() {
        return frames;
    }
}
