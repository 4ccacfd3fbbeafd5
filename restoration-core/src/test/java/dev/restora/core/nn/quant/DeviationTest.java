package dev.restora.core.nn.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/** The deviation measures of the fast modes' tests and benchmarks, on values worked out by hand. */
class DeviationTest {
    private static final float[] EXACT = {3, 4, 0, 0};
    private static final float[] OUT = {3, 4, 1, -1}; // error energy 2, exact energy 25

    @Test
    void relativeRmsOfArraysAndOfEngineArraysAgree() {
        assertEquals(Math.sqrt(2.0 / 25), Deviation.relativeRms(EXACT, OUT), 1e-12);
        try (NDManager m = NDManager.newBaseManager()) {
            assertEquals(Math.sqrt(2.0 / 25), Deviation.relativeRms(m.create(EXACT), m.create(OUT)), 1e-6);
        }
        assertEquals(0.0, Deviation.relativeRms(EXACT, EXACT));
        assertThrows(IllegalArgumentException.class, () -> Deviation.relativeRms(EXACT, new float[3]));
    }

    @Test
    void psnrOfAKnownError() {
        // mean squared error 2 / 4 = 0.5 at peak 1: 10 log10(2) dB
        assertEquals(10 * Math.log10(2), Deviation.psnr(EXACT, OUT, 1.0), 1e-9);
        assertEquals(Double.POSITIVE_INFINITY, Deviation.psnr(EXACT, EXACT, 1.0));
    }
}
