package dev.restora.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.core.models.DownloadProgress;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class DownloadPrinterTest {
    private static final long MB = 1L << 20;

    @Test
    void terminalLinesAreCutToTheWidth() {
        StringWriter sw = new StringWriter();
        String name = "a-very-long-weight-file-name-".repeat(4) + ".pth";
        ModelsCommand.DownloadPrinter p = new ModelsCommand.DownloadPrinter(new PrintWriter(sw), true, name, 60);
        p.progress(new DownloadProgress("m", 100 * MB, 1000 * MB, 10 * MB));
        String s = sw.toString();
        assertEquals(1 + 59, s.length(), s);
        assertEquals("\r[##----------------------]  10%  100.0 MB / 1000.0 MB  10.0", s, "cut, not wrapped");
        p.progress(new DownloadProgress("m", 1000 * MB, 1000 * MB, 10 * MB));
        p.finish();
        s = sw.toString();
        assertEquals(2 * (1 + 59) + 1, s.length(), s);
        assertTrue(s.endsWith("\n"), s);
        assertEquals(1, s.chars().filter(c -> c == '\n').count(), "one line, ended once");
    }

    @Test
    void aShorterRedrawClearsThePreviousLine() {
        StringWriter sw = new StringWriter();
        ModelsCommand.DownloadPrinter p = new ModelsCommand.DownloadPrinter(new PrintWriter(sw), true, "w.pth", 100);
        p.progress(new DownloadProgress("m", 100 * MB, 1000 * MB, 10 * MB)); // with an ETA
        p.progress(new DownloadProgress("m", 200 * MB, 1000 * MB, 0)); // stalled: no speed, no ETA, shorter
        String s = sw.toString();
        String[] draws = s.substring(1).split("\r", -1);
        assertEquals(2, draws.length, s);
        assertTrue(draws[0].endsWith("ETA 1:30  w.pth"), draws[0]);
        assertTrue(draws[0].length() < 99, draws[0]);
        assertEquals(draws[0].length(), draws[1].length(), "the shorter line is padded over the longer one: " + s);
        assertEquals("[#####-------------------]  20%  200.0 MB / 1000.0 MB  0 B/s  w.pth", draws[1].stripTrailing());
        assertTrue(draws[1].length() > draws[1].stripTrailing().length(), s);
        p.progress(new DownloadProgress("m", 300 * MB, 1000 * MB, 0)); // same length: no extra padding
        String third = sw.toString().substring(s.length());
        assertEquals("\r[#######-----------------]  30%  300.0 MB / 1000.0 MB  0 B/s  w.pth", third);
    }

    @Test
    void plainOutputPrintsALinePerTenPercentWithoutRedraws() {
        StringWriter sw = new StringWriter();
        ModelsCommand.DownloadPrinter p = new ModelsCommand.DownloadPrinter(new PrintWriter(sw), false, "w.pth", 40);
        for (int i = 1; i <= 100; i++) {
            p.progress(new DownloadProgress("m", i * 10 * MB, 1000 * MB, 10 * MB));
        }
        p.finish();
        String s = sw.toString();
        assertFalse(s.contains("\r"), s);
        String[] lines = s.split("\n");
        assertEquals(11, lines.length, s);
        assertTrue(lines[10].startsWith("100%  1000.0 MB / 1000.0 MB  10.0 MB/s  ETA 0:00  w.pth"), lines[10]);
    }
}
