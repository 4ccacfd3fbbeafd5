package dev.restora.app.studio.model;

import dev.restora.core.diffusion.PreviewFrame;
import dev.restora.core.diffusion.StepEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Every preview of a run, recorded on the worker thread as the steps arrive (the UI only ever sees the latest event
 * through the conflating hand-off, but the step strip must show all of them). Each entry keeps a thumbnail; full
 * frames are kept while they fit {@link #budgetBytes}, after which only the latest full frame is kept besides the
 * thumbnails. Thread-safe.
 *
 * <p>Whoever lists the steps (the step strip) takes the {@link Thumb}s, which hold no full frame, and asks
 * {@link #get} for a step's frame when it is chosen: a list that kept the entries themselves would keep every full
 * frame alive past the budget.
 */
public final class StepHistory {
    public static final int THUMB_SIDE = 96;

    /**
     * One recorded preview.
     *
     * @param index     0-based position in the history
     * @param step      the step within its stage
     * @param steps     steps of the stage
     * @param stageLabel the stage ("tile 2/4") or empty
     * @param frame     the full preview, or null when it was dropped for memory
     * @param thumb     the thumbnail (always present)
     */
    public record Entry(int index, int step, int steps, String stageLabel, PreviewFrame frame, Pixels.Argb thumb) {
        public String label() {
            return "step " + (step + 1) + "/" + steps + (stageLabel == null || stageLabel.isEmpty() ? ""
                    : " · " + stageLabel);
        }
    }

    /**
     * A step as the strip lists it: no full frame.
     *
     * @param index 0-based position in the history (for {@link #get})
     * @param step  the step within its stage
     * @param thumb the thumbnail
     */
    public record Thumb(int index, int step, Pixels.Argb thumb) {
    }

    private final long budgetBytes;
    private final List<Entry> entries = new ArrayList<>();
    private final List<Thumb> thumbs = new ArrayList<>();
    private long fullBytes;

    public StepHistory(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /** Records the event's preview (the full one, else the quick one); no-op when it has none. Worker thread. */
    public void record(StepEvent e) {
        PreviewFrame f = e.preview() != null ? e.preview() : e.quickPreview();
        if (f == null) {
            return;
        }
        Pixels.Argb thumb = Pixels.thumbnail(Pixels.of(f), THUMB_SIDE);
        long bytes = bytesOf(f);
        synchronized (this) {
            if (fullBytes + bytes > budgetBytes && !entries.isEmpty()) {
                // over budget: the previous latest frame gives up its full copy
                Entry last = entries.get(entries.size() - 1);
                if (last.frame() != null) {
                    entries.set(last.index(), new Entry(last.index(), last.step(), last.steps(), last.stageLabel(),
                            null, last.thumb()));
                    fullBytes -= bytesOf(last.frame());
                }
            }
            entries.add(new Entry(entries.size(), e.step(), e.steps(), e.stageLabel(), f, thumb));
            thumbs.add(new Thumb(thumbs.size(), e.step(), thumb));
            fullBytes += bytes;
        }
    }

    private static long bytesOf(PreviewFrame f) {
        if (f instanceof PreviewFrame.Image im) {
            return 4L * im.argb().length;
        }
        PreviewFrame.Spectrogram s = (PreviewFrame.Spectrogram) f;
        return 4L * s.db().length + (s.audio() == null ? 0 : 4L * s.audio().length);
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized Entry get(int i) {
        return entries.get(i);
    }

    public synchronized List<Entry> snapshot() {
        return List.copyOf(entries);
    }

    /** The thumbnails from position {@code from} on (none when {@code from >= size()}). */
    public synchronized List<Thumb> thumbs(int from) {
        return from >= thumbs.size() ? List.of() : List.copyOf(thumbs.subList(Math.max(0, from), thumbs.size()));
    }

    public synchronized void clear() {
        entries.clear();
        thumbs.clear();
        fullBytes = 0;
    }

    public synchronized long fullBytes() {
        return fullBytes;
    }
}
