package dev.restora.app.cli;

import java.io.PrintWriter;

/**
 * The status line shared by the command line's progress printers. On a terminal one line redrawn in place with
 * {@code \r}: a bar, then the caller's text, cut to the terminal width (a wrapped line could not be redrawn in place)
 * and padded with spaces over whatever is left of a longer previous line. Otherwise plain lines, one each time the
 * caller's bucket (for example the decile done) changes and at the end, so logs stay readable. Not thread-safe: the
 * printers that own one synchronize.
 */
final class StatusLine {
    private static final int BAR = 24;
    private final PrintWriter err;
    private final boolean terminal;
    private final int width;
    private long lastBucket = Long.MIN_VALUE;
    private boolean drawn;
    private int lastWidth;

    /**
     * @param width the terminal's width in columns (at least 40 is assumed); the line is kept one column shorter so
     *              the cursor never wraps
     */
    StatusLine(PrintWriter err, boolean terminal, int width) {
        this.err = err;
        this.terminal = terminal;
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

    /**
     * Shows the progress.
     *
     * @param fraction done in [0, 1], or negative when unknown (an empty bar)
     * @param bucket   without a terminal a line is printed only when this changes from the last printed one
     * @param last     without a terminal, print this line even if the bucket did not change
     * @param text     the status text after the bar
     */
    void update(double fraction, long bucket, boolean last, String text) {
        if (terminal) {
            int filled = fraction >= 0 ? (int) Math.round(Math.min(1, fraction) * BAR) : 0;
            String line = "[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "] " + text;
            if (line.length() > width - 1) {
                line = line.substring(0, width - 1);
            }
            int pad = Math.max(0, lastWidth - line.length());
            err.print("\r" + line + " ".repeat(pad));
            lastWidth = line.length();
            drawn = true;
            err.flush();
        } else if (bucket != lastBucket || last) {
            lastBucket = bucket;
            err.println(text);
            err.flush();
        }
    }

    /** Ends the in-place line (call before printing anything else); nothing without a terminal or a drawn line. */
    void finish() {
        if (terminal && drawn) {
            err.println();
            err.flush();
            drawn = false;
            lastWidth = 0;
        }
    }
}
