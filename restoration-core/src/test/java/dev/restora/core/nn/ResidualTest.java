package dev.restora.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Residual sums go in place only where that keeps the out-of-place result. */
class ResidualTest {

    @Test
    void inPlaceForTheSameTypeWithTheSameValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(1, 8, 4, 4));
            NDArray f = m.randomNormal(new Shape(1, 8, 4, 4));
            float[] expected = x.add(f).mul(1 / Math.sqrt(2)).toFloatArray();
            NDArray y = Residual.addScaled(f, x, (float) (1 / Math.sqrt(2)));
            assertSame(f, y);
            assertArrayEquals(expected, y.toFloatArray());
        }
    }

    @Test
    void newArrayWhenTheTypesDifferOrTheEngineRefuses() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(1, 8, 4, 4));
            NDArray half = m.randomNormal(new Shape(1, 8, 4, 4)).toType(DataType.FLOAT16, false);
            NDArray y = Residual.add(half, x);
            assertNotSame(half, y);
            assertEquals(DataType.FLOAT32, y.getDataType(), "the usual promotion");
            // a TorchScript helper's output is an inference tensor: not updatable in place
            NDArray g = new GroupNorm(4, 1e-5, null, null).forward(m.randomNormal(new Shape(1, 8, 4, 4)));
            float[] expected = g.add(x).toFloatArray();
            NDArray z = Residual.add(g, x);
            assertNotSame(g, z);
            assertArrayEquals(expected, z.toFloatArray());
            // a bias that broadcasts into the map goes in place; a larger operand does not
            NDArray f = m.randomNormal(new Shape(1, 8, 4, 4));
            NDArray bias = m.randomNormal(new Shape(1, 8, 1, 1));
            float[] withBias = f.add(bias).toFloatArray();
            assertSame(f, Residual.add(f, bias));
            assertArrayEquals(withBias, f.toFloatArray());
            NDArray small = m.randomNormal(new Shape(1, 8, 1, 1));
            assertEquals(new Shape(1, 8, 4, 4), Residual.add(small, x).getShape());
        }
    }
}
