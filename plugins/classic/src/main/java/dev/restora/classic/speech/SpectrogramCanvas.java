package dev.restora.classic.speech;

import dev.restora.audio.Stft;
import dev.restora.core.diffusion.PreviewFrame;
import java.util.Arrays;

/**
 * A display-size spectrogram of one channel being enhanced: columns already enhanced show the output, the rest
 * the noisy input. Frames and bins are max-pooled so the preview stays small for long recordings.
 */
final class SpectrogramCanvas {
    static final int MAX_COLUMNS = 1024;
    static final int MAX_ROWS = 512;

    private final int frames;
    private final int bins;
    private final int framePool;
    private final int binPool;
    private final int columns;
    private final int rows;
    private final float[] noisy;
    private final float[] enhanced;
    private final int sampleRate;

    SpectrogramCanvas(float[] x, Stft stft, int sampleRate) {
        this.frames = stft.frames(x.length);
        this.bins = stft.bins();
        this.framePool = Math.max(1, (frames + MAX_COLUMNS - 1) / MAX_COLUMNS);
        this.binPool = Math.max(1, (bins + MAX_ROWS - 1) / MAX_ROWS);
        this.columns = (frames + framePool - 1) / framePool;
        this.rows = (bins + binPool - 1) / binPool;
        this.sampleRate = sampleRate;
        this.noisy = new float[rows * columns];
        this.enhanced = new float[rows * columns];
        Arrays.fill(noisy, Float.NEGATIVE_INFINITY);
        Arrays.fill(enhanced, Float.NEGATIVE_INFINITY);
        float[] spec = new float[2 * bins];
        float[] power = new float[bins];
        double ref = stft.fftSize() / 4.0;
        float[] row = new float[bins];
        for (int t = 0; t < frames; t++) {
            stft.analyzeFrame(x, t, spec);
            Stft.power(spec, power);
            for (int k = 0; k < bins; k++) {
                row[k] = Stft.toDb(power[k], ref, -120f);
            }
            pool(noisy, t, row, 0);
        }
    }

    /** Adds enhanced frames {@code from..to-1}, given as {@code db[(t - from) * bins + bin]}. */
    void addEnhanced(float[] db, int from, int to) {
        for (int t = from; t < to; t++) {
            pool(enhanced, t, db, (t - from) * bins);
        }
    }

    private void pool(float[] grid, int t, float[] db, int offset) {
        int col = t / framePool;
        for (int k = 0; k < bins; k++) {
            int cell = (k / binPool) * columns + col;
            grid[cell] = Math.max(grid[cell], db[offset + k]);
        }
    }

    /** The preview after {@code framesDone} frames: enhanced columns left of the cursor, noisy ones right. */
    PreviewFrame.Spectrogram render(int framesDone, String label) {
        int doneColumns = framesDone >= frames ? columns : framesDone / framePool;
        float[] db = new float[rows * columns];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                int i = r * columns + c;
                db[i] = c < doneColumns ? enhanced[i] : noisy[i];
            }
        }
        return new PreviewFrame.Spectrogram(label, rows, columns, db, null, sampleRate);
    }
}
