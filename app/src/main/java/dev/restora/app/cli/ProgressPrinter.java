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
    private static final int BAR = 24;
    private final PrintWriter err;
    private final boolean terminal;
    private final String label;
    private int lastDecile = -1;
    private boolean drawn;
    private int lastWidth;
    private final int width;

    public ProgressPrinter(PrintWriter err, boolean terminal, String label) {
        this(err, terminal, label, columns());
    }

    ProgressPrinter(PrintWriter err, boolean terminal, String label, int width) {
        this.err = err;
        this.terminal = terminal;
        this.label = label;
        this.width = Math.max(40, width);
    }

    /** The terminal's width from {@code $COLUMNS}, else 100. */
    static int columns() {
        try {
            String c = System.getenv("COLUMNS");
            return c == null ? 100 : Integer.parseInt(c.trim());
        } catch (NumberFormatException e) {
            return 100;
        }
    }

    @Override
    public synchronized void onStep(StepEvent e) {
        double f = Math.max(0, Math.min(1, e.fraction()));
        int percent = (int) Math.floor(f * 100);
        String stage = e.stages() > 1 ? (e.stageLabel() == null || e.stageLabel().isEmpty()
                ? "stage " + (e.stage() + 1) + "/" + e.stages() : e.stageLabel()) : "";
        String text = String.format("%3d%%  step %d/%d  ETA %s%s  %s", percent, e.step() + 1, e.steps(),
                format(e.eta()), stage.isEmpty() ? "" : "  " + stage, label);
        if (terminal) {
            int filled = (int) Math.round(f * BAR);
            String line = "[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "] " + text;
            if (line.length() > width - 1) {
                line = line.substring(0, width - 1); // a wrapped line could not be redrawn in place
            }
            int pad = Math.max(0, lastWidth - line.length());
            err.print("\r" + line + " ".repeat(pad));
            lastWidth = line.length();
            drawn = true;
            err.flush();
        } else {
            int decile = (int) Math.floor(f * 10);
            boolean last = e.step() + 1 == e.steps() && e.stage() + 1 == e.stages();
            if (decile != lastDecile || last) {
                lastDecile = decile;
                err.println(text);
                err.flush();
            }
        }
    }

    /** Ends the in-place line (call before printing anything else). */
    public synchronized void finish() {
        if (terminal && drawn) {
            err.println();
            err.flush();
            drawn = false;
            lastWidth = 0;
        }
    }

    static String format(Duration d) {
        long s = Math.max(0, Math.round(d.toMillis() / 1000.0));
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }
}
