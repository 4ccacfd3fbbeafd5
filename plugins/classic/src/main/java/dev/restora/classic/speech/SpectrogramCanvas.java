package dev.restora.classic.speech;

import dev.restora.core.diffusion.PreviewFrame;
import dev.restora.audio.Stft;

/**
 * A display-size magnitude spectrogram (dB) of one channel being enhanced, filled left to right as frames are done;
 * columns not yet processed show {@link #FLOOR_DB}. Frames and bins are max-pooled so the preview stays small for
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

    private final double ref;

    /** @param fftSize the STFT size: a full-scale sine then shows at 0 dB */
    SpectrogramCanvas(int frames, int bins, int fftSize, int sampleRate) {
        this.ref = fftSize / 4.0;
        this.frames = frames;
        this.bins = bins;
        this.framePool = Math.max(1, (frames + MAX_COLUMNS - 1) / MAX_COLUMNS);
        this.binPool = Math.max(1, (bins + MAX_ROWS - 1) / MAX_ROWS);
        this.columns = (frames + framePool - 1) / framePool;
        this.rows = (bins + binPool - 1) / binPool;
        this.sampleRate = sampleRate;
        this.grid = new float[rows * columns];
    }

    /**
     * Adds enhanced frames {@code from..to-1}, given as power {@code p[(t - from) * bins + bin]}; pooled in the linear
     * domain, converted to dB only when a preview is rendered.
     */
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

    /** The current picture in dB, a fresh array safe to hand to another thread. */
    PreviewFrame.Spectrogram render(String label) {
        float[] db = new float[grid.length];
        for (int i = 0; i < db.length; i++) {
            db[i] = Stft.toDb(grid[i], ref, FLOOR_DB);
        }
        return new PreviewFrame.Spectrogram(label, rows, columns, db, null, sampleRate);
    }

    int frames() {
        return frames;
    }
}
