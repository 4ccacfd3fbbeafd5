package dev.restora.sgmse;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import dev.restora.core.parity.Tolerance;

/** {@link Tolerance#assertWithin} that also prints the observed error, for the record. */
final class Check {
    private Check() {
    }

    static void within(String what, NDArray actual, NDArray expected, JsonObject tol) {
        Tolerance.assertWithin(what, actual, expected, tol);
        double diff = Tolerance.maxAbsDiff(actual, expected);
        double scale = Tolerance.maxAbs(expected);
        System.out.printf("parity %-50s max|diff| %.3g  rel %.3g  (tolerance %s)%n", what, diff,
                scale == 0 ? diff : diff / scale, tol);
    }
}
