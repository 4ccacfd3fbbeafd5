package dev.restora.app.cli;

import dev.restora.core.diffusion.StepEvent;
import dev.restora.core.diffusion.StepListener;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * Shows a run's progress: on a terminal one line redrawn in place (bar, percent, step, ETA, stage); otherwise plain
 * lines, one per 10 % and at the end, so logs stay readable. Called on the worker thread.
 */
public final class ProgressPrinter implements StepListener {
    private final StatusLine line;
    private final String label;

    public ProgressPrinter(PrintWriter err, boolean terminal, String label) {
        this(err, terminal, label, StatusLine.columns());
    }

    ProgressPrinter(PrintWriter err, boolean terminal, String label, int width) {
        this.line = new StatusLine(err, terminal, width);
        this.label = label;
    }

    @Override
    public synchronized void onStep(StepEvent e) {
        double f = Math.max(0, Math.min(1, e.fraction()));
        int percent = (int) Math.floor(f * 100);
        String stage = e.stages() > 1 ? (e.stageLabel() == null || e.stageLabel().isEmpty()
                ? "stage " + (e.stage() + 1) + "/" + e.stages() : e.stageLabel()) : "";
        String text = String.format("%3d%%  step %d/%d  ETA %s%s  %s", percent, e.step() + 1, e.steps(),
                format(e.eta()), stage.isEmpty() ? "" : "  " + stage, label);
        boolean last = e.step() + 1 == e.steps() && e.stage() + 1 == e.stages();
        line.update(f, (int) Math.floor(f * 10), last, text);
    }

    /** Ends the in-place line (call before printing anything else). */
    public synchronized void finish() {
        line.finish();
    }

    static String format(Duration d) {
        long s = Math.max(0, Math.round(d.toMillis() / 1000.0));
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }
}
