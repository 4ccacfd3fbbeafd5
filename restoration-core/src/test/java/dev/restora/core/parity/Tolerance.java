package dev.restora.core.parity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Assertions;

/**
 * The comparison rules of the fixture READMEs: {@code rel_to_max_abs: r} means max|yours - ref| <= r * max|ref|;
 * {@code abs: a} means max|yours - ref| <= a. Both are computed in float64.
 */
public final class Tolerance {
    private Tolerance() {
    }

    /** Largest absolute difference, in float64. */
    public static double maxAbsDiff(NDArray actual, NDArray expected) {
        Assertions.assertEquals(expected.getShape(), actual.getShape(), "shape");
        NDArray a = actual.toType(DataType.FLOAT64, false);
        NDArray e = expected.toType(DataType.FLOAT64, false);
        return a.sub(e).abs().max().getDouble();
    }

    public static double maxAbs(NDArray a) {
        return a.toType(DataType.FLOAT64, false).abs().max().getDouble();
    }

    /** Asserts max|a - e| <= rel * max|e|; returns the observed relative error. */
    public static double assertRelToMaxAbs(String what, NDArray actual, NDArray expected, double rel) {
        double diff = maxAbsDiff(actual, expected);
        double scale = maxAbs(expected);
        double observed = scale == 0 ? diff : diff / scale;
        Assertions.assertTrue(diff <= rel * scale, () -> String.format(
                "%s: max|diff| = %.3g, %.3g x max|ref| (%.3g); tolerance %.3g", what, diff, observed, scale, rel));
        return observed;
    }

    /** Asserts max|a - e| <= abs; returns the observed difference. */
    public static double assertAbs(String what, NDArray actual, NDArray expected, double abs) {
        double diff = maxAbsDiff(actual, expected);
        Assertions.assertTrue(diff <= abs, () -> String.format("%s: max|diff| = %.3g; tolerance %.3g", what, diff, abs));
        return diff;
    }

    /** Applies whichever of {@code rel_to_max_abs} / {@code abs} the tolerance object has (both when both). */
    public static void assertWithin(String what, NDArray actual, NDArray expected, JsonObject tolerance) {
        boolean checked = false;
        if (tolerance.has("rel_to_max_abs")) {
            assertRelToMaxAbs(what, actual, expected, tolerance.get("rel_to_max_abs").getAsDouble());
            checked = true;
        }
        if (tolerance.has("abs")) {
            assertAbs(what, actual, expected, tolerance.get("abs").getAsDouble());
            checked = true;
        }
        Assertions.assertTrue(checked, what + ": tolerance " + tolerance + " has neither rel_to_max_abs nor abs");
    }
}
