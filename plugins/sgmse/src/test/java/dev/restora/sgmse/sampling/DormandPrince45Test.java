package dev.restora.sgmse.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The solver against SciPy on a complex test problem with a sharp transition (so steps get rejected), integrated
 * backwards as the ODE sampler does. The expected values are what {@code scipy.integrate.solve_ivp(f, (1.0, 0.03),
 * y0, method="RK45", rtol=1e-5, atol=1e-5)} returned for
 * {@code f(t, y) = [(-1.5+2j) y0 + sin 3t + 4 tanh(40(t - 0.5)), (0.7-3j) y1 + 0.5j cos 2t]},
 * {@code y0 = [0.3-0.2j, -1.1+0.4j]}: {@code nfev} 86, 11 accepted steps, 3 rejected.
 */
class DormandPrince45Test {
    private static final double[] SCIPY_TIMES = {1.0, 0.9733936020675646, 0.8353045327153527, 0.6952732280365682,
        0.5823650656851231, 0.5273569838098582, 0.4844717771543526, 0.441586570498847, 0.38767579834280164,
        0.2901136479631412, 0.1401651703503367, 0.03};
    /** The final state as [re y0, re y1, im y0, im y1]. */
    private static final double[] SCIPY_END = {0.061476346629669276, 0.6054663242123859, 4.759872973587374,
        -0.4622381342295946};

    /**
     * Last-bit differences (NumPy's BLAS sums, glibc's sin and tanh) grow to ~1e-11 through the step control's
     * cancellation; a wrong coefficient or control rule moves the sequence by far more.
     */
    private static final double TOL = 1e-9;

    /** The problem, with the state as [re y0, re y1, im y0, im y1]. */
    private static double[] f(double t, double[] y) {
        // (a + bi)(yr + yi i) = (a yr - b yi) + (a yi + b yr) i
        double f0r = (-1.5 * y[0] - 2 * y[2]) + (Math.sin(3 * t) + 4 * Math.tanh(40 * (t - 0.5)));
        double f0i = -1.5 * y[2] + 2 * y[0];
        double f1r = 0.7 * y[1] + 3 * y[3];
        double f1i = 0.7 * y[3] - 3 * y[1] + 0.5 * Math.cos(2 * t);
        return new double[] {f0r, f1r, f0i, f1i};
    }

    @Test
    void reproducesScipysStepSequenceAndResult() {
        int[] calls = {0};
        DormandPrince45 solver = new DormandPrince45((t, y) -> {
            calls[0]++;
            return f(t, y);
        }, 1.0, new double[] {0.3, -1.1, -0.2, 0.4}, 0.03, 1e-5, 1e-5);
        List<Double> times = new ArrayList<>(List.of(solver.time()));
        while (!solver.finished()) {
            times.add(solver.step().tNew());
        }
        assertEquals(SCIPY_TIMES.length, times.size(), "accepted steps");
        for (int i = 0; i < SCIPY_TIMES.length; i++) {
            assertEquals(SCIPY_TIMES[i], times.get(i), TOL, "accepted time " + i);
        }
        assertEquals(86, calls[0], "evaluations (2 + 6 per attempt: 3 rejected)");
        double[] end = solver.state();
        for (int i = 0; i < 4; i++) {
            assertEquals(SCIPY_END[i], end[i], TOL, "final state " + i);
        }
    }

    @Test
    void attemptChangesNothingUntilAccepted() {
        DormandPrince45 solver = new DormandPrince45(DormandPrince45Test::f, 1.0, new double[] {0.3, -1.1, -0.2, 0.4},
                0.03, 1e-5, 1e-5);
        double h = solver.stepSize();
        DormandPrince45.Attempt big = solver.attempt(0.5, false);
        assertFalse(big.acceptable(), "a step across the transition is rejected");
        assertTrue(big.nextStepSize() >= 0.2 * 0.5 && big.nextStepSize() < 0.5, "retry shrinks by 0.2..0.9");
        assertEquals(1.0, solver.time());
        assertEquals(h, solver.stepSize());
        DormandPrince45.Attempt clipped = solver.attempt(5, false);
        assertEquals(0.03, clipped.tNew(), "clipped to the end of the interval");
        DormandPrince45.Attempt small = solver.attempt(h, true);
        assertTrue(small.acceptable());
        assertTrue(small.nextStepSize() <= h, "after a rejection the step does not grow");
        solver.accept(small);
        assertEquals(1.0 - h, solver.time(), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> solver.accept(small), "an attempt from another time");
    }
}
