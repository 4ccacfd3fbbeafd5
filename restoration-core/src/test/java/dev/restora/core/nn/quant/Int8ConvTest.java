package dev.restora.core.nn.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.RestoraException;
import dev.restora.core.engine.CpuInfo;
import dev.restora.core.nn.Conv2dLayer;
import dev.restora.core.nn.ConvHook;
import dev.restora.core.nn.PaddingMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The quantized-op helper loads through DJL and the int8 convolution stays within int8 error of float32. */
class Int8ConvTest {
    private static final CpuInfo VNNI = new CpuInfo("test CPU", "amd64", 2, List.of("avx2", "fma", "avx512_vnni"));
    private static final CpuInfo AVX2 = new CpuInfo("old CPU", "amd64", 2, List.of("avx", "avx2", "fma"));

    private static Conv2dLayer randomConv(NDManager m, int cin, int cout, int k, PaddingMode mode) {
        NDArray w = m.randomNormal(new Shape(cout, cin, k, k)).mul(1.0 / Math.sqrt(cin * k * k));
        NDArray b = m.randomNormal(new Shape(cout)).mul(0.1);
        return new Conv2dLayer(w, b, 1, k / 2, 1, 1, mode);
    }

    @Test
    void quantizedConvMatchesFloatWithinInt8Error() {
        for (PaddingMode mode : new PaddingMode[] {PaddingMode.ZEROS, PaddingMode.REFLECT}) {
            try (NDManager m = NDManager.newBaseManager()) {
                Conv2dLayer conv = randomConv(m, 32, 48, 3, mode);
                NDArray x = m.randomNormal(new Shape(2, 32, 20, 24));
                NDArray ref = conv.forwardFloat(x);
                ActivationQuant in = ActivationQuant.ofRange(x.min().getFloat(), x.max().getFloat());
                ActivationQuant out = ActivationQuant.ofRange(ref.min().getFloat(), ref.max().getFloat());
                try (Int8Conv2d q = new Int8Conv2d(conv, in, out)) {
                    NDArray y = q.forward(x);
                    assertEquals(ref.getShape(), y.getShape());
                    double err = Deviation.relativeRms(ref, y);
                    // 8-bit input, weights and output over Gaussian data: about 2 % RMS (spike: 1.7-1.9 %)
                    assertTrue(err < 0.04, mode + ": relative RMS error " + err);
                    assertTrue(err > 1e-4, mode + ": int8 output identical to float32, not quantized?");
                }
            }
        }
    }

    @Test
    void floatOutputKernelAgreesWithTheDequantizingOneAndIsCloserToFloat() {
        try (NDManager m = NDManager.newBaseManager()) {
            Conv2dLayer conv = randomConv(m, 32, 48, 3, PaddingMode.ZEROS);
            NDArray x = m.randomNormal(new Shape(1, 32, 24, 24));
            NDArray ref = conv.forwardFloat(x);
            ActivationQuant in = ActivationQuant.ofRange(x.min().getFloat(), x.max().getFloat());
            ActivationQuant out = ActivationQuant.ofRange(ref.min().getFloat(), ref.max().getFloat());
            NDArray direct;
            NDArray requantized;
            try (Int8Conv2d q = new Int8Conv2d(conv, in, out)) {
                requantized = q.forward(x);
                System.setProperty(Int8Conv2d.FLOAT_OUTPUT_PROPERTY, "true");
                try {
                    direct = q.forward(x);
                } finally {
                    System.clearProperty(Int8Conv2d.FLOAT_OUTPUT_PROPERTY);
                }
            }
            // the same int8 products: they differ by the rounding to the output's step (range / 255), uniform over
            // +-step/2 (RMS step/sqrt(12)), and by the clamping of the few values beyond the calibrated range
            float step = (float) out.scale();
            NDArray d = direct.sub(requantized);
            double rms = Math.sqrt(d.pow(2).mean().getFloat());
            assertTrue(rms < 0.35 * step && d.abs().max().getFloat() < 2 * step, "RMS " + rms + ", step " + step);
            assertTrue(rms > 0.1 * step, "the property switched nothing");
            // and without that step the float32 output is closer to float
            assertTrue(Deviation.relativeRms(ref, direct) < Deviation.relativeRms(ref, requantized),
                    Deviation.relativeRms(ref, direct) + " vs " + Deviation.relativeRms(ref, requantized));
        }
    }

    @Test
    void floatOutputPackingInsideAStepScopeOutlivesTheStep() {
        System.setProperty(Int8Conv2d.FLOAT_OUTPUT_PROPERTY, "true");
        try (NDManager m = NDManager.newBaseManager()) {
            Conv2dLayer conv = randomConv(m, 16, 16, 3, PaddingMode.ZEROS);
            NDArray x = m.randomNormal(new Shape(1, 16, 8, 8));
            ActivationQuant q = ActivationQuant.ofRange(-4, 4);
            try (Int8Conv2d layer = new Int8Conv2d(conv, q, q)) {
                float[] first;
                // the first call packs, as it does inside a diffusion step's scope
                try (ai.djl.ndarray.NDScope step = new ai.djl.ndarray.NDScope()) {
                    first = layer.forward(x).toFloatArray();
                }
                // the scales and bias made with the packing are the layer's, not the step's
                assertEquals(0f, m.create(first).sub(m.create(layer.forward(x).toFloatArray())).abs().max().getFloat());
            }
        } finally {
            System.clearProperty(Int8Conv2d.FLOAT_OUTPUT_PROPERTY);
        }
    }

    @Test
    void weightScalesArePerOutputChannelSymmetric() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] w = new float[3 * 2 * 2 * 2];
            for (int i = 0; i < w.length; i++) {
                w[i] = (i % 5 - 2) * 0.1f * (1 + i / 8);
            }
            w[9] = -2.54f; // channel 1's largest magnitude, negative
            java.util.Arrays.fill(w, 16, 24, 0f); // channel 2 all zero
            float[] s = Int8Conv2d.weightScales(m.create(w, new Shape(3, 2, 2, 2)));
            assertEquals(3, s.length);
            float max0 = 0;
            for (int i = 0; i < 8; i++) {
                max0 = Math.max(max0, Math.abs(w[i]));
            }
            assertEquals(max0 / 127f, s[0], 1e-7);
            assertEquals(2.54f / 127f, s[1], 1e-7);
            assertEquals(1f, s[2]);
        }
    }

    @Test
    void activationRangeAlwaysHoldsZeroExactly() {
        ActivationQuant a = ActivationQuant.ofRange(-1.0, 3.0);
        assertEquals(4.0 / 255, a.scale(), 1e-12);
        assertEquals(64, a.zeroPoint());
        ActivationQuant pos = ActivationQuant.ofRange(0.5, 2.0); // widened to [0, 2]
        assertEquals(0, pos.zeroPoint());
        assertEquals(2.0 / 255, pos.scale(), 1e-12);
        ActivationQuant neg = ActivationQuant.ofRange(-2.0, -1.0);
        assertEquals(255, neg.zeroPoint());
    }

    @Test
    void refusedOnACpuWithoutVnni() {
        RestoraException e = assertThrows(RestoraException.class, () -> Int8Network.create(AVX2));
        assertTrue(e.getMessage().contains("VNNI") && e.getMessage().contains("old CPU"), e.getMessage());
        assertFalse(Int8Support.supported(AVX2));
        assertTrue(Int8Support.supported(VNNI));
        assertTrue(Int8Support.supported(new CpuInfo("amx", "amd64", 8, List.of("amx_tile", "amx_int8"))));
    }

    @Test
    void calibratedNetworkRunsEligibleConvsInInt8() {
        try (NDManager m = NDManager.newBaseManager(); Int8Network net = Int8Network.create(VNNI)) {
            Conv2dLayer c1 = randomConv(m, 16, 32, 3, PaddingMode.ZEROS);
            Conv2dLayer c2 = randomConv(m, 32, 32, 1, PaddingMode.ZEROS); // 1x1: int8 as well
            Conv2dLayer thin = randomConv(m, 32, 8, 3, PaddingMode.ZEROS); // 8 output channels: stays float32
            Conv2dLayer c3 = randomConv(m, 8, 16, 3, PaddingMode.ZEROS); // 8 input channels: stays float32
            java.util.function.Function<NDArray, NDArray> f = x ->
                    c3.forward(thin.forward(c2.forward(c1.forward(x).maximum(0)).maximum(0)));
            NDArray[] calib = {m.randomNormal(new Shape(1, 16, 16, 16)), m.randomNormal(new Shape(1, 16, 16, 16))};
            net.calibrate(() -> {
                for (NDArray x : calib) {
                    f.apply(x);
                }
                return null;
            });
            assertEquals(2, net.int8Layers());
            assertEquals(2, net.floatLayers());
            NDArray x = m.randomNormal(new Shape(1, 16, 16, 16));
            NDArray ref = f.apply(x);
            NDArray y;
            try (ConvHook.Installed q = net.quantized()) {
                y = f.apply(x);
                NDArray h = m.randomNormal(new Shape(1, 32, 8, 8));
                // the thin conv is untouched, the 1x1 is quantized
                assertEquals(0f, thin.forward(h).sub(thin.forwardFloat(h)).abs().max().getFloat());
                assertTrue(c2.forward(h).sub(c2.forwardFloat(h)).abs().max().getFloat() > 0f);
            }
            double err = Deviation.relativeRms(ref, y);
            assertTrue(err < 0.06 && err > 1e-4, "relative RMS error " + err);
            // outside the scope, float32 again
            assertEquals(0f, f.apply(x).sub(ref).abs().max().getFloat());
        }
    }
}
