package dev.restora.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The TorchScript memory-format helper loads in the engine's libtorch, and the channels-last path of the layers gives
 * the values of the row-major path while keeping the layout (so no conversion happens between layers).
 */
class MemoryFormatTest {

    @AfterEach
    void restore() {
        System.clearProperty(MemoryFormat.PROPERTY);
        System.clearProperty(GroupNorm.NATIVE_PROPERTY);
    }

    /** Runs {@code f} with channels-last off, then on, returning both results as float arrays. */
    private static float[][] bothPaths(Supplier<NDArray> f) {
        System.setProperty(MemoryFormat.PROPERTY, "false");
        float[] off = f.get().toFloatArray();
        System.clearProperty(MemoryFormat.PROPERTY);
        float[] on = f.get().toFloatArray();
        return new float[][] {off, on};
    }

    @Test
    void helperChangesTheLayoutNotTheValues() {
        assertTrue(MemoryFormat.enabled(), "the helper must load in this engine");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(2, 5, 4, 3));
            assertFalse(MemoryFormat.isChannelsLast(x));
            NDArray y = MemoryFormat.channelsLast(x);
            assertTrue(MemoryFormat.isChannelsLast(y));
            assertEquals(x.getShape(), y.getShape());
            assertArrayEquals(x.toFloatArray(), y.toFloatArray());
            assertTrue(MemoryFormat.channelsLast(y) == y || MemoryFormat.isChannelsLast(MemoryFormat.channelsLast(y)));
            try (MemoryFormat.Suspension s = MemoryFormat.suspend()) {
                assertFalse(MemoryFormat.enabled());
                assertTrue(MemoryFormat.channelsLast(x) == x);
            }
            assertTrue(MemoryFormat.enabled());
            System.setProperty(MemoryFormat.PROPERTY, "false");
            assertTrue(MemoryFormat.channelsLast(x) == x);
        }
    }

    @Test
    void convGroupNormSiluAndUpsamplingKeepChannelsLastWithTheSameValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(0, 1, new Shape(1, 64, 12, 10), ai.djl.ndarray.types.DataType.FLOAT32).add(3);
            Conv2dLayer conv = new Conv2dLayer(m.randomNormal(0, 0.1f, new Shape(64, 64, 3, 3),
                    ai.djl.ndarray.types.DataType.FLOAT32), m.randomNormal(new Shape(64)), 1, 1, 1, 1, PaddingMode.ZEROS);
            GroupNorm norm = new GroupNorm(32, 1e-5, m.randomNormal(new Shape(64)), m.randomNormal(new Shape(64)));
            Supplier<NDArray> block = () -> conv.forward(Resize.nearest2x(Activations.silu(norm.forward(conv.forward(x)))));
            float[][] r = bothPaths(block);
            NnReference.assertRelClose(r[0], r[1], 1e-5);

            NDArray h = conv.forward(x);
            assertTrue(MemoryFormat.isChannelsLast(h), "conv output");
            assertTrue(MemoryFormat.isChannelsLast(norm.forward(h)), "group norm output");
            assertTrue(MemoryFormat.isChannelsLast(Activations.silu(norm.forward(h))), "silu output");
            assertTrue(MemoryFormat.isChannelsLast(Resize.nearest2x(h)), "nearest x2 output");
            assertTrue(MemoryFormat.isChannelsLast(Resize.nearest2x(x)), "nearest x2 of a row-major map");
        }
    }

    @Test
    void groupNormPerChannelMatchesTheGroupedPathForBatchesAndNoAffine() {
        System.setProperty(GroupNorm.NATIVE_PROPERTY, "false"); // the DJL-only paths
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(0, 2, new Shape(3, 12, 5, 7), ai.djl.ndarray.types.DataType.FLOAT32).add(10);
            GroupNorm affine = new GroupNorm(4, 1e-6, m.randomNormal(new Shape(12)), m.randomNormal(new Shape(12)));
            GroupNorm plain = new GroupNorm(3, 1e-5, null, null);
            for (GroupNorm g : new GroupNorm[] {affine, plain}) {
                float[][] r = bothPaths(() -> g.forward(MemoryFormat.channelsLast(x)));
                NnReference.assertRelClose(r[0], r[1], 2e-6);
                float[][] one = bothPaths(() -> g.forward(x.get("0:1")));
                NnReference.assertRelClose(one[0], one[1], 2e-6);
            }
        }
    }
}
