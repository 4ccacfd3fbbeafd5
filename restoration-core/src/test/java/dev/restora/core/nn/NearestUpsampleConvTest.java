package dev.restora.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.engine.EngineSetup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The sub-pixel form of nearest x2 + conv3x3 against the plain path it replaces. */
class NearestUpsampleConvTest {

    @BeforeAll
    static void engine() {
        EngineSetup.configure();
    }

    @AfterEach
    void restore() {
        System.clearProperty(MemoryFormat.PROPERTY);
        System.clearProperty(NearestUpsampleConv.PROPERTY);
    }

    private static StateDict weights(NDManager m, long in, long out, boolean bias) {
        NDArray w = m.randomNormal(0, 0.2f, new Shape(out, in, 3, 3), DataType.FLOAT32);
        return bias ? new StateDict(Map.of("conv.weight", w, "conv.bias", m.randomNormal(new Shape(out))), "test")
                : new StateDict(Map.of("conv.weight", w), "test");
    }

    /** max |actual - expected| / max |expected|. */
    private static double relError(NDArray expected, NDArray actual) {
        assertEquals(expected.getShape(), actual.getShape());
        float[] e = expected.toType(DataType.FLOAT32, false).toFloatArray();
        float[] a = actual.toType(DataType.FLOAT32, false).toFloatArray();
        double max = 0;
        double diff = 0;
        for (int i = 0; i < e.length; i++) {
            max = Math.max(max, Math.abs(e[i]));
            diff = Math.max(diff, Math.abs(e[i] - a[i]));
        }
        return diff / max;
    }

    @ParameterizedTest(name = "{0}x{1} channelsLast={2} bias={3}")
    @CsvSource({
        "5, 7, true, true",
        "6, 4, true, false",
        "5, 7, false, true",
        "6, 4, false, true",
        "1, 1, true, true",
    })
    void matchesNearestThenConv(int h, int w, boolean channelsLast, boolean bias) {
        System.setProperty(MemoryFormat.PROPERTY, Boolean.toString(channelsLast));
        try (NDManager m = NDManager.newBaseManager()) {
            StateDict sd = weights(m, 6, 5, bias);
            NearestUpsampleConv up = NearestUpsampleConv.load(sd.sub("conv"), 6, 5);
            sd.requireAllUsed();
            Conv2dLayer reference = Conv2dLayer.load(sd.sub("conv"), 6, 5, 3, 1, 1);
            NDArray x = m.randomNormal(new Shape(2, 6, h, w));
            if (channelsLast) {
                x = MemoryFormat.channelsLast(x);
            }
            NDArray expected = reference.forward(Resize.nearest2x(x));
            NDArray y = up.forward(x);
            assertEquals(new Shape(2, 5, 2 * h, 2 * w), y.getShape());
            double err = relError(expected, y);
            assertTrue(err <= 1e-5, "relative error " + err);
            if (channelsLast) {
                assertTrue(MemoryFormat.isChannelsLast(y), "channels-last in, channels-last out");
            }
            System.setProperty(NearestUpsampleConv.PROPERTY, "false");
            assertEquals(0, relError(expected, up.forward(x)), "the plain path is the reference computation");
        }
    }

    @ParameterizedTest(name = "x{0} {1}x{2} channelsLast={3}")
    @CsvSource({
        "3, 5, 4, true",
        "3, 4, 5, false",
        "4, 3, 3, true",
    })
    void largerFactorsMatchNearestThenConv(int factor, int h, int w, boolean channelsLast) {
        System.setProperty(MemoryFormat.PROPERTY, Boolean.toString(channelsLast));
        try (NDManager m = NDManager.newBaseManager()) {
            Conv2dLayer conv = new Conv2dLayer(m.randomNormal(new Shape(4, 3, 3, 3)), m.randomNormal(new Shape(4)), 1,
                    1, 1, 1, PaddingMode.ZEROS);
            NearestUpsampleConv up = NearestUpsampleConv.of(conv, factor);
            assertEquals(new Shape(4L * factor * factor, 3, 2, 2), up.phaseConv().weight().getShape());
            NDArray x = m.randomNormal(new Shape(2, 3, h, w));
            NDArray expected = conv.forward(x.repeat(2, factor).repeat(3, factor));
            NDArray y = up.forward(x);
            double err = relError(expected, y);
            assertTrue(err <= 1e-5, "relative error " + err);
            assertEquals(channelsLast, MemoryFormat.isChannelsLast(y));
        }
    }

    /** A single tap per kernel: a phase or shift mix-up moves the tap's contribution and cannot pass. */
    @Test
    void everySingleTapLandsWhereTheUpsampledConvPutsIt() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(1, 1, 4, 5));
            for (int k = 0; k < 9; k++) {
                float[] taps = new float[9];
                taps[k] = 1;
                StateDict sd = new StateDict(Map.of("weight", m.create(taps, new Shape(1, 1, 3, 3))), "test");
                NDArray expected = Conv2dLayer.load(sd, 1, 1, 3, 1, 1).forward(Resize.nearest2x(x));
                NDArray y = NearestUpsampleConv.load(sd, 1, 1).forward(x);
                assertEquals(0, relError(expected, y), 1e-6, "tap " + k);
                Conv2dLayer conv = Conv2dLayer.load(sd, 1, 1, 3, 1, 1);
                assertEquals(0, relError(conv.forward(x.repeat(2, 3).repeat(3, 3)),
                        NearestUpsampleConv.of(conv, 3).forward(x)), 1e-6, "x3 tap " + k);
            }
        }
    }

    @Test
    void phaseWeightsAreMadeOnceAndCountedAsTheWorkDone() {
        try (NDManager base = NDManager.newBaseManager(); NDManager wm = base.newSubManager()) {
            NearestUpsampleConv up = NearestUpsampleConv.load(weights(wm, 4, 3, true).sub("conv"), 4, 3);
            NDArray pw = up.phaseConv().weight();
            assertEquals(new Shape(12, 4, 2, 2), pw.getShape());
            int before = wm.getManagedArrays().size();
            try (NDManager scope = base.newSubManager()) {
                for (int i = 0; i < 3; i++) {
                    NDArray x = MemoryFormat.channelsLast(scope.randomNormal(new Shape(2, 4, 5, 6)));
                    try (MacCounter macs = MacCounter.start()) {
                        NDArray y = up.forward(x);
                        assertEquals(scope, y.getManager(), "the result belongs to the input's scope");
                        // 2x2 kernels over the (H+1) x (W+1) phase output of 4*3 channels
                        assertEquals(2L * 12 * 6 * 7 * 4 * 4, macs.macs());
                    }
                }
            }
            assertSame(pw, up.phaseConv().weight());
            assertEquals(before, wm.getManagedArrays().size(), "a forward added arrays to the weights' manager");
        }
    }

    @Test
    void ofAnExistingConvolutionMatchesAndRefusesOtherShapes() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.randomNormal(new Shape(3, 2, 3, 3));
            NDArray b = m.randomNormal(new Shape(3));
            Conv2dLayer conv = new Conv2dLayer(w, b, 1, 1, 1, 1, PaddingMode.ZEROS);
            NDArray x = m.randomNormal(new Shape(1, 2, 4, 3));
            double err = relError(conv.forward(Resize.nearest2x(x)), NearestUpsampleConv.of(conv, 2).forward(x));
            assertTrue(err <= 1e-5, "relative error " + err);
            assertSame(conv, NearestUpsampleConv.of(conv, 2).plainConv());
            assertThrows(IllegalArgumentException.class,
                    () -> NearestUpsampleConv.of(new Conv2dLayer(w, b, 2, 1, 1, 1, PaddingMode.ZEROS), 2));
            assertThrows(IllegalArgumentException.class,
                    () -> NearestUpsampleConv.of(conv.withPaddingMode(PaddingMode.REFLECT), 2));
            assertThrows(IllegalArgumentException.class, () -> NearestUpsampleConv.of(conv, 1));
            assertThrows(IllegalArgumentException.class,
                    () -> NearestUpsampleConv.of(new Conv2dLayer(w, b, 1, 0, 1, 1, PaddingMode.ZEROS), 2));
        }
    }

    @Test
    void convHooksSeeThePhaseConvolution() {
        try (NDManager m = NDManager.newBaseManager()) {
            NearestUpsampleConv up = NearestUpsampleConv.load(weights(m, 4, 3, true).sub("conv"), 4, 3);
            List<Conv2dLayer> seen = new ArrayList<>();
            try (ConvHook.Installed h = ConvHook.install((conv, x) -> {
                seen.add(conv);
                return conv.forwardFloat(x);
            })) {
                up.forward(m.randomNormal(new Shape(1, 4, 3, 3)));
            }
            assertEquals(List.of(up.phaseConv()), seen);
        }
    }

    /** Under a hook the int8 mode quantizes what it did before: a thin conv whose phases it would take runs plain. */
    @Test
    void underAHookAThinConvolutionWhosePhasesTheInt8ModeWouldQuantizeRunsPlain() {
        try (NDManager m = NDManager.newBaseManager()) {
            Conv2dLayer thin = new Conv2dLayer(m.randomNormal(new Shape(3, 20, 3, 3)), null, 1, 1, 1, 1,
                    PaddingMode.ZEROS);
            Conv2dLayer wide = new Conv2dLayer(m.randomNormal(new Shape(16, 20, 3, 3)), null, 1, 1, 1, 1,
                    PaddingMode.ZEROS);
            NDArray x = m.randomNormal(new Shape(1, 20, 3, 4));
            for (int factor : new int[] {2, 3}) {
                for (Conv2dLayer conv : List.of(thin, wide)) {
                    NearestUpsampleConv up = NearestUpsampleConv.of(conv, factor);
                    List<Conv2dLayer> seen = new ArrayList<>();
                    try (ConvHook.Installed h = ConvHook.install((c, in) -> {
                        seen.add(c);
                        return c.forwardFloat(in);
                    })) {
                        up.forward(x);
                    }
                    // thin x2: 12 phase outputs, thin and not eligible either; thin x3: 27, eligible
                    boolean plain = conv == thin && factor == 3;
                    assertEquals(List.of(plain ? up.plainConv() : up.phaseConv()), seen, "x" + factor + ", "
                            + conv.outChannels() + " outputs");
                }
            }
        }
    }

    @Test
    void halfPrecisionViewHoldsFloat16PhaseWeights() {
        try (NDManager m = NDManager.newBaseManager()) {
            StateDict sd = weights(m, 8, 6, true);
            NearestUpsampleConv half = NearestUpsampleConv.load(sd.sub("conv").inHalfPrecision(), 8, 6);
            assertEquals(DataType.FLOAT16, half.phaseConv().weight().getDataType());
            NDArray x = m.randomNormal(new Shape(1, 8, 5, 4));
            NDArray expected = Conv2dLayer.load(sd.sub("conv"), 8, 6, 3, 1, 1).forward(Resize.nearest2x(x));
            NDArray y = half.forward(x);
            assertEquals(DataType.FLOAT16, y.getDataType());
            double err = relError(expected, y);
            assertTrue(err <= 5e-3, "float16 relative error " + err);
        }
    }
}
