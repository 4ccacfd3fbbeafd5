package dev.restora.core.nn.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.engine.CpuInfo;
import dev.restora.core.nn.ConvHook;
import dev.restora.core.nn.LinearLayer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The int8 fast mode's dynamic int8 linear layer: within int8 error of float32, and only where it pays. */
class Int8LinearTest {
    private static final CpuInfo VNNI = new CpuInfo("test CPU", "amd64", 2, List.of("avx2", "fma", "avx512_vnni"));

    private static LinearLayer randomLinear(NDManager m, int in, int out) {
        return new LinearLayer(m.randomNormal(new Shape(out, in)).mul(1.0 / Math.sqrt(in)),
                m.randomNormal(new Shape(out)).mul(0.1));
    }

    @Test
    void int8LinearMatchesFloatWithinInt8Error() {
        try (NDManager m = NDManager.newBaseManager(); Int8Linear q = new Int8Linear(randomLinear(m, 96, 288))) {
            LinearLayer layer = randomLinear(m, 96, 288);
            try (Int8Linear q2 = new Int8Linear(layer)) {
                // window-attention shaped: [windows, tokens, features]
                NDArray x = m.randomNormal(new Shape(4, 64, 96));
                NDArray ref = layer.forwardFloat(x);
                NDArray y = q2.forward(x);
                assertEquals(ref.getShape(), y.getShape());
                double err = Deviation.relativeRms(ref, y);
                // 8-bit weights and input over Gaussian data: about 1 % RMS (spike: 0.7-1.0 %)
                assertTrue(err < 0.03, "relative RMS error " + err);
                assertTrue(err > 1e-5, "int8 output identical to float32, not quantized?");
            }
        }
    }

    @Test
    void fewRowsAndThinLayersStayFloat() {
        try (NDManager m = NDManager.newBaseManager()) {
            LinearLayer layer = randomLinear(m, 64, 64);
            try (Int8Linear q = new Int8Linear(layer)) {
                NDArray emb = m.randomNormal(new Shape(1, 64)); // a time embedding: one row
                assertEquals(0f, q.forward(emb).sub(layer.forwardFloat(emb)).abs().max().getFloat());
            }
            assertFalse(Int8Linear.eligible(randomLinear(m, 64, 8)));
            assertFalse(Int8Linear.eligible(randomLinear(m, 8, 64)));
            assertTrue(Int8Linear.eligible(layer));
        }
    }

    @Test
    void quantizedNetworkRoutesLinearLayersThroughInt8() {
        try (NDManager m = NDManager.newBaseManager(); Int8Network net = Int8Network.create(VNNI)) {
            LinearLayer layer = randomLinear(m, 48, 48);
            NDArray x = m.randomNormal(new Shape(256, 48));
            NDArray ref = layer.forward(x);
            assertEquals(0f, ref.sub(layer.forwardFloat(x)).abs().max().getFloat());
            net.calibrate(() -> layer.forward(x)); // observing: float32, and linear layers need no ranges
            assertEquals(0, net.int8Linears());
            NDArray y;
            try (ConvHook.Installed q = net.quantized()) {
                y = layer.forward(x);
            }
            assertEquals(1, net.int8Linears());
            double err = Deviation.relativeRms(ref, y);
            assertTrue(err < 0.03 && err > 1e-5, "relative RMS error " + err);
            // outside the scope, float32 again
            assertEquals(0f, layer.forward(x).sub(ref).abs().max().getFloat());
        }
    }
}
