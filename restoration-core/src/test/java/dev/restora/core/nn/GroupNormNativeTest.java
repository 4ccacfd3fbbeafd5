package dev.restora.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Torch's group norm through the TorchScript helper (optionally fused with SiLU) gives the values of the DJL-only
 * reference GroupNorm within float error, for channels-last and row-major inputs, batches and no affine, and keeps the
 * input's layout.
 */
class GroupNormNativeTest {

    @AfterEach
    void restore() {
        System.clearProperty(GroupNorm.NATIVE_PROPERTY);
        System.clearProperty(MemoryFormat.PROPERTY);
    }

    /** The reference: the DJL-only path (grouped layer norm, row-major), as float values. */
    private static float[] reference(Supplier<NDArray> f) {
        System.setProperty(GroupNorm.NATIVE_PROPERTY, "false");
        System.setProperty(MemoryFormat.PROPERTY, "false");
        try {
            return f.get().toFloatArray();
        } finally {
            System.clearProperty(GroupNorm.NATIVE_PROPERTY);
            System.clearProperty(MemoryFormat.PROPERTY);
        }
    }

    @Test
    void nativeGroupNormEqualsTheReferenceAndKeepsTheLayout() {
        assertTrue(GroupNorm.nativeEnabled(), "the helper must load in this engine");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(0, 2, new Shape(3, 64, 9, 7), DataType.FLOAT32).add(10);
            GroupNorm affine = new GroupNorm(32, 1e-6, m.randomNormal(new Shape(64)), m.randomNormal(new Shape(64)));
            GroupNorm plain = new GroupNorm(8, 1e-5, null, null);
            NDArray nhwc = MemoryFormat.channelsLast(x);
            assertTrue(MemoryFormat.isChannelsLast(nhwc));
            for (GroupNorm g : new GroupNorm[] {affine, plain}) {
                float[] ref = reference(() -> g.forward(x));
                float[] refSilu = reference(() -> Activations.silu(g.forward(x)));
                NnReference.assertRelClose(ref, g.forward(x).toFloatArray(), 2e-6);
                NDArray y = g.forward(nhwc);
                NnReference.assertRelClose(ref, y.toFloatArray(), 2e-6);
                assertTrue(MemoryFormat.isChannelsLast(y), "group norm of a channels-last map");
                assertFalse(MemoryFormat.isChannelsLast(g.forward(x)), "group norm of a row-major map");
                NDArray s = g.forwardSilu(nhwc);
                NnReference.assertRelClose(refSilu, s.toFloatArray(), 2e-6);
                assertTrue(MemoryFormat.isChannelsLast(s), "fused group norm + silu of a channels-last map");
                NnReference.assertRelClose(refSilu, g.forwardSilu(x).toFloatArray(), 2e-6);
            }
        }
    }

    /**
     * A map whose mean is 200 times its spread: statistics taken as E[x^2] - E[x]^2 in float32 lose most digits here
     * (torch's own channels-last group norm kernel does that), exact two-pass moments do not.
     */
    @Test
    void channelsLastStatisticsStayExactForALargeMean() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(0, 0.5f, new Shape(2, 32, 40, 33), DataType.FLOAT32).add(100);
            GroupNorm g = new GroupNorm(8, 1e-6, m.randomNormal(new Shape(32)), m.randomNormal(new Shape(32)));
            float[] ref = reference(() -> g.forward(x));
            NnReference.assertRelClose(ref, g.forward(MemoryFormat.channelsLast(x)).toFloatArray(), 2e-5);
            NnReference.assertRelClose(ref, g.forward(x).toFloatArray(), 2e-5);
        }
    }

    @Test
    void scaleShiftNormEqualsTheReferenceForBothLayouts() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(0, 2, new Shape(2, 64, 6, 5), DataType.FLOAT32).add(-7);
            NDArray e = m.randomNormal(new Shape(2, 128, 1, 1));
            NDArray scale = e.get(":, 0:64");
            NDArray shift = e.get(":, 64:");
            GroupNorm g = new GroupNorm(32, 1e-5, m.randomNormal(new Shape(64)), m.randomNormal(new Shape(64)));
            float[] ref = reference(() -> Activations.silu(g.forward(x).mul(scale.add(1)).add(shift)));
            NnReference.assertRelClose(ref, g.forwardScaleShiftSilu(x, scale, shift).toFloatArray(), 2e-6);
            NDArray y = g.forwardScaleShiftSilu(MemoryFormat.channelsLast(x), scale, shift);
            NnReference.assertRelClose(ref, y.toFloatArray(), 2e-6);
            assertTrue(MemoryFormat.isChannelsLast(y));
        }
    }

    @Test
    void otherRanksAndHalfInputsGoThroughFloat32() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(0, 1, new Shape(2, 16, 30), DataType.FLOAT32);
            GroupNorm g = new GroupNorm(4, 1e-5, m.randomNormal(new Shape(16)), m.randomNormal(new Shape(16)));
            NnReference.assertRelClose(reference(() -> g.forward(x)), g.forward(x).toFloatArray(), 2e-6);
            NDArray h = x.toType(DataType.FLOAT16, false);
            NDArray y = g.forward(h);
            assertEquals(DataType.FLOAT16, y.getDataType());
            NnReference.assertRelClose(reference(() -> g.forward(h).toType(DataType.FLOAT32, false)),
                    y.toType(DataType.FLOAT32, false).toFloatArray(), 1e-3);
        }
    }
}
