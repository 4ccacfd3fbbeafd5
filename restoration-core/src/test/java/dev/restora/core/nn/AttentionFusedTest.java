package dev.restora.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.engine.EngineSetup;
import dev.restora.core.parity.Tolerance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * libtorch's fused scaled dot-product attention (through the TorchScript helper) gives the values of the plain
 * softmax(q k^T * scale) v for every rank the networks use, and is chosen only where it applies.
 */
class AttentionFusedTest {

    @BeforeAll
    static void engine() {
        EngineSetup.configure();
    }

    @AfterEach
    void restore() {
        System.clearProperty(Attention.FUSED_PROPERTY);
    }

    private static NDArray plain(NDArray q, NDArray k, NDArray v, double scale) {
        System.setProperty(Attention.FUSED_PROPERTY, "false");
        try {
            return Attention.scaledDotProduct(q, k, v, scale, null);
        } finally {
            System.clearProperty(Attention.FUSED_PROPERTY);
        }
    }

    @Test
    void fusedEqualsPlainForRanksTwoToFour() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape[][] cases = {
                {new Shape(300, 32), new Shape(200, 32), new Shape(200, 16)},
                {new Shape(2, 700, 64), new Shape(2, 700, 64), new Shape(2, 700, 64)},
                {new Shape(2, 3, 65, 8), new Shape(2, 3, 40, 8), new Shape(2, 3, 40, 12)},
            };
            for (Shape[] c : cases) {
                // logits far from zero, so a softmax without its running maximum would overflow
                NDArray q = m.randomNormal(0, 3, c[0], DataType.FLOAT32);
                NDArray k = m.randomNormal(0, 3, c[1], DataType.FLOAT32);
                NDArray v = m.randomNormal(0, 1, c[2], DataType.FLOAT32);
                double scale = 1 / Math.sqrt(c[0].get(c[0].dimension() - 1));
                assertTrue(Attention.fusedApplies(q, k, v));
                NDArray fused = Attention.scaledDotProduct(q, k, v, scale, null);
                NDArray ref = plain(q, k, v, scale);
                assertEquals(ref.getShape(), fused.getShape(), c[0].toString());
                assertEquals(0, Tolerance.maxAbsDiff(fused, ref), 2e-5, c[0].toString());
                assertEquals(0, Tolerance.maxAbsDiff(Attention.chunked(q, k, v, scale, 7), ref), 2e-5);
                // a wrong scale must show
                assertTrue(Tolerance.maxAbsDiff(Attention.scaledDotProduct(q, k, v, scale * 1.1, null), ref) > 1e-3);
            }
        }
    }

    @Test
    void halfPrecisionAndTheSwitchKeepThePlainPath() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray q = m.randomNormal(new Shape(1, 10, 8));
            assertTrue(Attention.fusedApplies(q, q, q));
            NDArray h = q.toType(DataType.FLOAT16, false);
            assertFalse(Attention.fusedApplies(h, h, h));
            System.setProperty(Attention.FUSED_PROPERTY, "false");
            assertFalse(Attention.fusedApplies(q, q, q));
        }
    }
}
