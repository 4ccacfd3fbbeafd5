package dev.restora.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.engine.EngineSetup;
import dev.restora.core.parity.Tolerance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A convolution through the weight prepacked for oneDNN gives the eager convolution's values bit for bit for every
 * configuration the networks use, for both layouts and for a change of input size (packed anew), keeps the input's
 * layout, and frees the packed weight with the weight's manager.
 */
class PrepackedConvTest {

    @BeforeAll
    static void engine() {
        EngineSetup.configure();
    }

    @AfterEach
    void restore() {
        System.clearProperty(PrepackedConv.PROPERTY);
    }

    private static NDArray eager(Conv2dLayer conv, NDArray x) {
        System.setProperty(PrepackedConv.PROPERTY, "false");
        try {
            return conv.forward(x);
        } finally {
            System.clearProperty(PrepackedConv.PROPERTY);
        }
    }

    @Test
    void equalsTheEagerConvolution() {
        try (NDManager m = NDManager.newBaseManager()) {
            // {in, out, kernel, stride, padding, dilation, groups, bias}
            int[][] cases = {{16, 24, 3, 1, 1, 1, 1, 1}, {16, 8, 1, 1, 0, 1, 1, 0}, {12, 12, 3, 2, 0, 1, 1, 1},
                {8, 16, 3, 1, 2, 2, 1, 1}, {16, 16, 3, 1, 1, 1, 4, 1}, {6, 10, 4, 1, 1, 1, 1, 1}};
            for (int[] c : cases) {
                NDArray w = m.randomNormal(new Shape(c[1], c[0] / c[6], c[2], c[2])).mul(0.2f);
                NDArray b = c[7] == 1 ? m.randomNormal(new Shape(c[1])) : null;
                Conv2dLayer conv = new Conv2dLayer(w, b, c[3], c[4], c[5], c[6], PaddingMode.ZEROS);
                // a batch of one at most 20480 values takes libtorch's native path eagerly, so it stays eager here;
                // just above takes oneDNN and the packed weight
                for (Shape s : new Shape[] {new Shape(2, c[0], 13, 11), new Shape(1, c[0], 7, 9),
                    new Shape(1, c[0], 1280 / c[0], 17), new Shape(1, c[0], 1280 / c[0], 16), new Shape(1, c[0], 40, 33)}) {
                    NDArray in = m.randomNormal(s);
                    for (boolean rowMajor : new boolean[] {false, true}) {
                        NDArray y;
                        NDArray ref;
                        long[] before = conv.prepackedShape();
                        try (MemoryFormat.Suspension ignored = rowMajor ? MemoryFormat.suspend() : () -> { }) {
                            y = conv.forward(in);
                            ref = eager(conv, in);
                        }
                        long[] after = conv.prepackedShape();
                        if (PrepackedConv.eagerTakesOneDnn(conv, s.getShape())) {
                            assertArrayEquals(s.getShape(), after, "packed for the call's size");
                        } else {
                            assertArrayEquals(before, after, "the native path stays eager: " + s);
                        }
                        assertEquals(ref.getShape(), y.getShape());
                        // packed for this size and layout: oneDNN's same kernel, the same bits
                        assertEquals(0, Tolerance.maxAbsDiff(y, ref), 0, java.util.Arrays.toString(c) + " " + s);
                        assertEquals(!rowMajor, MemoryFormat.isChannelsLast(y), "layout of " + java.util.Arrays.toString(c));
                    }
                }
                // a wrong weight must show: the packed copy is the layer's own
                NDArray other = new Conv2dLayer(w.mul(1.01f), b, c[3], c[4], c[5], c[6], PaddingMode.ZEROS)
                        .forward(m.randomNormal(new Shape(1, c[0], 7, 9)));
                assertTrue(other.abs().sum().getFloat() > 0);
            }
        }
    }

    @Test
    void reflectPaddingAndTheSwitch() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.randomNormal(new Shape(8, 4, 3, 3));
            Conv2dLayer conv = new Conv2dLayer(w, m.randomNormal(new Shape(8)), 1, 1, 1, 1, PaddingMode.REFLECT);
            NDArray x = m.randomNormal(new Shape(2, 4, 6, 5)); // a batch of two: oneDNN eagerly, so packed
            System.setProperty(PrepackedConv.PROPERTY, "false");
            NDArray ref = conv.forward(x);
            assertFalse(conv.prepacked(), "switched off: the eager convolution");
            System.clearProperty(PrepackedConv.PROPERTY);
            assertEquals(0, Tolerance.maxAbsDiff(conv.forward(x), ref), 0);
            assertTrue(conv.prepacked());
        }
    }

    @Test
    void halfWeightsStayEagerAndThePackedWeightGoesWithItsManager() {
        Conv2dLayer conv;
        try (NDManager m = NDManager.newBaseManager()) {
            NDManager weights = m.newSubManager();
            conv = new Conv2dLayer(weights.randomNormal(new Shape(4, 4, 3, 3)), null, 1, 1, 1, 1, PaddingMode.ZEROS);
            conv.forward(m.randomNormal(new Shape(2, 4, 5, 5)));
            assertTrue(conv.prepacked());
            weights.close();
            assertFalse(conv.prepacked(), "freed with the weights");
            NDArray x = m.randomNormal(new Shape(2, 4, 5, 5));
            Conv2dLayer gone = conv;
            assertThrows(RuntimeException.class, () -> gone.forward(x));

            Conv2dLayer half = new Conv2dLayer(Precision.half(m.randomNormal(new Shape(4, 4, 3, 3))), null, 1, 1, 1, 1,
                    PaddingMode.ZEROS);
            half.forward(x);
            assertFalse(half.prepacked(), "float16 runs the eager convolution");
        }
    }
}
