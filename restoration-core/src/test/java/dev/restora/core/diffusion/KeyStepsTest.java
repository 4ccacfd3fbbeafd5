package dev.restora.core.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The key-step schedules of encoder propagation and the kept features' lifetime. */
class KeyStepsTest {

    @Test
    void schedulesFollowThePaperScaledToTheStepCount() {
        assertEquals(Set.of(0, 1, 2, 3, 5, 10, 15, 25, 35), KeySteps.schedule("paper", 50));
        assertEquals(Set.of(0, 1, 2, 3, 6, 9, 15, 21), KeySteps.schedule("paper", 30));
        assertEquals(Set.of(0, 1, 2, 3, 5, 8, 11), KeySteps.schedule("paper", 15));
        assertEquals(Set.of(0, 3, 6, 9), KeySteps.schedule("every-3", 10));
        assertEquals(Set.of(0), KeySteps.schedule("paper", 1));
        // few steps: the paper's schedule keeps every step, auto falls back to every other step
        assertEquals(Set.of(0, 1, 2, 3), KeySteps.schedule("paper", 4));
        assertEquals(Set.of(0, 1, 2, 3, 4), KeySteps.schedule("paper", 5));
        assertEquals(Set.of(0, 2), KeySteps.schedule("auto", 4));
        assertEquals(Set.of(0, 2, 4), KeySteps.schedule("auto", 5));
        assertEquals(KeySteps.schedule("paper", 6), KeySteps.schedule("auto", 6));
        assertEquals(KeySteps.schedule("paper", 15), KeySteps.schedule("auto", 15));
        assertEquals(Set.of(0, 1, 2, 3), KeySteps.schedule("every-1", 4));
    }

    @Test
    void badSchedulesAreNamed() {
        assertMessage("unknown key-step schedule 'sometimes'", () -> KeySteps.schedule("sometimes", 10));
        assertMessage("every-K needs a whole number K", () -> KeySteps.schedule("every-x", 10));
        assertMessage("must be at least 1", () -> KeySteps.schedule("every-0", 10));
        assertMessage("at least one step", () -> KeySteps.schedule("paper", 0));
    }

    private static void assertMessage(String part, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void keptFeaturesOutliveTheStepScopeUntilReplacedOrClosed() {
        try (NDManager run = NDManager.newBaseManager()) {
            NDArray kept;
            try (EncoderPropagation p = new EncoderPropagation(Set.of(0, 2), run)) {
                p.beforeCall(3);
                assertTrue(p.computeEncoder());
                try (NDManager step = run.newSubManager(); NDScope made = new NDScope()) {
                    Deque<NDArray> hs = new ArrayDeque<>();
                    hs.push(step.ones(new Shape(2)));
                    kept = p.keep(hs).peek();
                }
                assertFalse(kept.isReleased(), "the step's scope closed the kept features");
                p.beforeCall(3); // a second call of the same step
                p.beforeCall(2);
                assertFalse(p.computeEncoder(), "step 1 is not a key step");
                assertEquals(kept, p.features().peek());
                p.beforeCall(1);
                assertTrue(p.computeEncoder());
                Deque<NDArray> next = new ArrayDeque<>();
                next.push(run.zeros(new Shape(2)));
                p.keep(next);
                assertTrue(kept.isReleased(), "the replaced features must be freed");
                kept = p.features().peek();
                assertEquals(4, p.calls());
                assertEquals(2, p.encoderRuns());
            }
            assertTrue(kept.isReleased(), "closing the propagation frees the kept features");
        }
    }
}
