package dev.restora.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.core.diffusion.StepEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {
    private static StepEvent event(int step, int steps, int stage, int stages, long elapsedMs) {
        return new StepEvent(step, steps, stage, stages, stages > 1 ? "tile " + (stage + 1) + "/" + stages : "",
                Duration.ofMillis(elapsedMs), null, null);
    }

    @Test
    void terminalRedrawsOneLineWithBarPercentStepEtaAndStage() {
        StringWriter sw = new StringWriter();
        ProgressPrinter p = new ProgressPrinter(new PrintWriter(sw), true, "cat.png", 100);
        p.onStep(event(0, 4, 0, 2, 1000)); // 1/8 done after 1 s: 7 s left
        p.onStep(event(3, 4, 1, 2, 8000));
        p.finish();
        String s = sw.toString();
        assertTrue(s.startsWith("\r[###-"), s);
        assertTrue(s.contains(" 12%  step 1/4  ETA 0:07  tile 1/2  cat.png"), s);
        assertTrue(s.contains("\r[########################] 100%  step 4/4  ETA 0:00  tile 2/2  cat.png"), s);
        assertEquals(1, s.chars().filter(c -> c == '\n').count(), "one line, ended once");
    }

    @Test
    void terminalLinesAreCutToTheWidth() {
        StringWriter sw = new StringWriter();
        ProgressPrinter p = new ProgressPrinter(new PrintWriter(sw), true, "a-very-long-file-name-".repeat(5) + ".png", 60);
        p.onStep(event(0, 10, 0, 1, 100));
        assertEquals(1 + 59, sw.toString().length(), sw::toString);
    }

    @Test
    void plainOutputPrintsAboutTenLines() {
        StringWriter sw = new StringWriter();
        ProgressPrinter p = new ProgressPrinter(new PrintWriter(sw), false, "a.wav");
        for (int i = 0; i < 100; i++) {
            p.onStep(event(i, 100, 0, 1, 10L * (i + 1)));
        }
        String[] lines = sw.toString().split("\n");
        assertEquals(11, lines.length, sw::toString);
        assertTrue(lines[10].startsWith("100%  step 100/100"), lines[10]);
        assertTrue(!sw.toString().contains("\r"));
        assertEquals("1:01:01", ProgressPrinter.format(Duration.ofSeconds(3661)));
    }
}
