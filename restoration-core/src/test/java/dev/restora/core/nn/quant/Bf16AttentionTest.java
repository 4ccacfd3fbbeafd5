package dev.restora.core.nn.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.engine.CpuInfo;
import dev.restora.core.nn.Attention;
import dev.restora.core.nn.ConvHook;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The int8 fast mode's bfloat16 attention: close to float32, chunked over queries, only where it applies. */
class Bf16AttentionTest {
    private static final CpuInfo BF16 = new CpuInfo("bf16 CPU", "amd64", 2,
            List.of("avx2", "fma", "avx512_vnni", "avx512_bf16"));
    private static final CpuInfo VNNI_ONLY = new CpuInfo("vnni CPU", "amd64", 2, List.of("avx2", "fma", "avx512_vnni"));

    @Test
    void closeToFloatAttentionWholeAndInChunks() {
        try (NDManager m = NDManager.newBaseManager()) {
            // 1 x 1100 x 1100 logits: one call; 8192 x 4096 (2^25) logits: two query chunks of 2^24
            long[][] sizes = {{1100, 1100, 32}, {8192, 4096, 8}};
            for (long[] s : sizes) {
                NDArray q = m.randomNormal(new Shape(1, s[0], s[2]));
                NDArray k = m.randomNormal(new Shape(1, s[1], s[2]));
                NDArray v = m.randomNormal(new Shape(1, s[1], s[2]));
                double scale = 1 / Math.sqrt(s[2]);
                assertTrue(Bf16Attention.applies(q, k, v, null));
                NDArray ref = Attention.scaledDotProductFloat(q, k, v, scale, null);
                NDArray y = Bf16Attention.forward(q, k, v, scale);
                assertEquals(ref.getShape(), y.getShape());
                assertEquals(DataType.FLOAT32, y.getDataType());
                double err = Deviation.relativeRms(ref, y);
                // bfloat16 keeps 8 bits of mantissa: about 0.5 % RMS on Gaussian data
                assertTrue(err < 0.02, s[0] + " queries: relative RMS error " + err);
                assertTrue(err > 1e-5, s[0] + " queries: identical to float32, not bfloat16?");
            }
        }
    }

    @Test
    void appliesToLongFloatSequencesWithoutBias() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray longQ = m.randomNormal(new Shape(1, 1024, 16));
            NDArray shortQ = m.randomNormal(new Shape(1, 512, 16));
            assertTrue(Bf16Attention.applies(longQ, longQ, longQ, null));
            assertFalse(Bf16Attention.applies(shortQ, shortQ, shortQ, null));
            assertFalse(Bf16Attention.applies(longQ, longQ, longQ, m.zeros(new Shape(1024, 1024))));
            NDArray half = longQ.toType(DataType.FLOAT16, true);
            assertFalse(Bf16Attention.applies(half, half, half, null));
        }
        assertTrue(Bf16Attention.supported(BF16));
        assertTrue(Bf16Attention.supported(new CpuInfo("amx", "amd64", 8, List.of("amx_tile", "amx_bf16"))));
        assertFalse(Bf16Attention.supported(VNNI_ONLY));
    }

    @Test
    void int8NetworkUsesItOnlyWhereTheCpuHasBf16() {
        for (CpuInfo cpu : new CpuInfo[] {BF16, VNNI_ONLY}) {
            try (NDManager m = NDManager.newBaseManager(); Int8Network net = Int8Network.create(cpu)) {
                NDArray q = m.randomNormal(new Shape(1, 1, 1024, 16));
                NDArray ref = Attention.scaledDotProduct(q, q, q, 0.25, null);
                net.calibrate(() -> Attention.scaledDotProduct(q, q, q, 0.25, null)); // observing: float32
                NDArray y;
                try (ConvHook.Installed h = net.quantized()) {
                    y = Attention.scaledDotProduct(q, q, q, 0.25, null);
                }
                double err = Deviation.relativeRms(ref, y);
                if (cpu == BF16) {
                    assertTrue(err > 1e-5 && err < 0.02, "relative RMS error " + err);
                } else {
                    assertEquals(0.0, err, cpu.model() + ": float32 attention expected");
                }
                assertEquals(0f, Attention.scaledDotProduct(q, q, q, 0.25, null).sub(ref).abs().max().getFloat());
            }
        }
    }
}
