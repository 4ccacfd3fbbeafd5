package dev.restora.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.engine.EngineSetup;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The MAC count of a forward pass, and the float convolutions' share timed apart. */
class MacCounterTest {

    @BeforeAll
    static void engine() {
        EngineSetup.configure();
    }

    @Test
    void convolutionsAreCountedAndTimedApartFromOtherProducts() {
        try (NDManager m = NDManager.newBaseManager()) {
            Conv2dLayer conv = new Conv2dLayer(m.randomNormal(new Shape(32, 16, 3, 3)), m.randomNormal(new Shape(32)),
                    1, 1, 1, 1, PaddingMode.ZEROS);
            LinearLayer linear = new LinearLayer(m.randomNormal(new Shape(8, 32)), null);
            NDArray x = m.randomNormal(new Shape(1, 16, 48, 40));
            assertFalse(MacCounter.counting());
            try (MacCounter outer = MacCounter.start()) {
                assertTrue(MacCounter.counting());
                NDArray y = conv.forward(x);
                try (MacCounter inner = MacCounter.start()) {
                    linear.forward(y.transpose(0, 2, 3, 1));
                    assertEquals(48L * 40 * 32 * 8, inner.macs());
                    assertEquals(0, inner.convolutionMacs(), "a linear layer is not a convolution");
                    assertEquals(0, inner.convolutionSeconds());
                }
                long convMacs = 48L * 40 * 32 * 16 * 9;
                assertEquals(convMacs, outer.convolutionMacs());
                assertEquals(convMacs + 48L * 40 * 32 * 8, outer.macs(), "an outer count sees the inner's MACs");
                assertTrue(outer.convolutionSeconds() > 0, "the convolution was timed");
            }
            assertFalse(MacCounter.counting());
        }
    }
}
