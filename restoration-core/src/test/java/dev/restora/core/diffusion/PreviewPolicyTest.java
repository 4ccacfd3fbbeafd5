package dev.restora.core.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Preview throttling and step-event arithmetic (no engine needed). */
class PreviewPolicyTest {
    private static final long MS = 1_000_000L;

    private static List<Integer> fired(PreviewPolicy p, int steps, long[] timesMs) {
        PreviewPolicy.Gate g = p.gate();
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            if (g.shouldRender(i, steps, timesMs[i] * MS)) {
                out.add(i);
            }
        }
        return out;
    }

    private static long[] every(long ms, int n) {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = 1000 + i * ms;
        }
        return t;
    }

    @Test
    void everyKStepsAndAlwaysTheLast() {
        assertEquals(List.of(2, 5, 8, 9), fired(new PreviewPolicy(true, 3, 0), 10, every(1, 10)));
        assertEquals(List.of(0, 1, 2, 3), fired(PreviewPolicy.EVERY_STEP, 4, every(0, 4)));
        assertEquals(List.of(4), fired(new PreviewPolicy(true, 7, 0), 5, every(1, 5)));
    }

    @Test
    void atMostOncePerIntervalButTheLastStepAlways() {
        // steps every 100 ms, at most one preview per 250 ms: steps 0, 3, 6, 9 and the last (10)
        assertEquals(List.of(0, 3, 6, 9, 10), fired(PreviewPolicy.DEFAULT, 11, every(100, 11)));
        // slow steps: every step fires
        assertEquals(List.of(0, 1, 2), fired(PreviewPolicy.DEFAULT, 3, every(300, 3)));
        // irregular times: the interval counts from the last preview
        assertEquals(List.of(0, 3, 4), fired(new PreviewPolicy(true, 1, 50), 5, new long[] {0, 10, 40, 60, 70}));
    }

    @Test
    void offNeverFiresEvenAtTheLastStep() {
        assertEquals(List.of(), fired(PreviewPolicy.OFF, 5, every(1000, 5)));
    }

    @Test
    void invalidPoliciesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PreviewPolicy(true, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new PreviewPolicy(true, 1, -1));
    }

    @Test
    void stepEventFractionAndEta() {
        StepEvent e = new StepEvent(4, 10, 1, 4, "tile 2/4", Duration.ofSeconds(15), null, null);
        assertEquals((1 + 0.5) / 4, e.fraction(), 1e-12);
        assertEquals(Duration.ofSeconds(25), e.eta());
        StepEvent last = new StepEvent(9, 10, 3, 4, "", Duration.ofSeconds(40), null, null);
        assertEquals(1.0, last.fraction(), 1e-12);
        assertEquals(Duration.ZERO, last.eta());
        assertThrows(IllegalArgumentException.class, () -> new Stage(2, 2, ""));
    }
}
