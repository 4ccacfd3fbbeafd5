package dev.restora.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AbTimerTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @Test
    void alternatesWhichSideGoesFirstAfterOneWarmUpEach() {
        List<String> order = new ArrayList<>();
        List<double[]> logged = new ArrayList<>();
        double[][] t = AbTimer.alternate(3, true, () -> order.add("a"), () -> order.add("b"),
                (a, b) -> logged.add(new double[] {a, b}));
        assertEquals(List.of("a", "b", "a", "b", "b", "a", "a", "b"), order);
        assertEquals(3, t[0].length);
        assertEquals(3, t[1].length);
        assertEquals(3, logged.size());
        assertEquals(t[1][2], logged.get(2)[1]);
    }

    @Test
    void withoutWarmUpOnlyThePairsRun() {
        List<String> order = new ArrayList<>();
        AbTimer.alternate(2, false, () -> order.add("a"), () -> order.add("b"), (a, b) -> { });
        assertEquals(List.of("a", "b", "b", "a"), order);
    }

    @Test
    void comparesThePropertyOffAndOnAndRestoresIt() {
        String property = "restora.test.abTimer";
        System.clearProperty(property);
        List<String> seen = new ArrayList<>();
        Map<String, Object> r = AbTimer.compare(property, 2, () -> seen.add(System.getProperty(property)), QUIET, "x");
        assertEquals(List.of("false", "true", "false", "true", "true", "false"), seen);
        assertEquals(2, ((double[]) r.get("off_runs")).length);
        assertEquals(property, r.get("property"));
        assertNull(System.getProperty(property), "the property is as it was before");
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(2.0, AbTimer.median(new double[] {3, 1, 2}));
        assertEquals(2.5, AbTimer.median(new double[] {4, 1, 3, 2}));
    }
}
