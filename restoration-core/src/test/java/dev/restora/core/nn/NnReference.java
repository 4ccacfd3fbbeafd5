package dev.restora.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.restora.core.parity.Tolerance;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Reference arrays made by PyTorch's own modules ({@code src/test/resources/nn/generate_references.py}), read from
 * the class path as {@code /nn/<case>_<array>.npy}.
 */
final class NnReference {
    private NnReference() {
    }

    static boolean exists(String caseName, String array) {
        return NnReference.class.getResource("/nn/" + caseName + "_" + array + ".npy") != null;
    }

    static NDArray load(NDManager m, String caseName, String array) {
        String res = "/nn/" + caseName + "_" + array + ".npy";
        try (InputStream in = NnReference.class.getResourceAsStream(res)) {
            assertNotNull(in, "missing test resource " + res + " (run generate_references.py)");
            return NDList.decode(m, in).singletonOrThrow();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + res, e);
        }
    }

    /** Asserts equal lengths and max|expected - actual| <= relTol * max|expected|. */
    static void assertRelClose(float[] expected, float[] actual, double relTol) {
        assertEquals(expected.length, actual.length);
        double max = 0;
        double diff = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(expected[i]));
            diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(diff <= relTol * max, "max difference " + diff + " of max " + max);
    }

    /** Asserts shape equality and max|actual - expected| <= abs, printing the observed difference. */
    static void assertClose(String what, NDArray actual, NDArray expected, double abs) {
        assertEquals(expected.getShape(), actual.getShape(), what + " shape");
        double d = Tolerance.assertAbs(what, actual, expected, abs);
        System.out.printf("%-32s max|diff| = %.3g (bound %.1g)%n", what, d, abs);
    }
}
