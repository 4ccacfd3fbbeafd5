package dev.restora.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.engine.EngineSetup;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Conv2d and Padding against torch.nn.Conv2d / F.pad outputs. */
class Conv2dLayerTest {

    @BeforeAll
    static void engine() {
        EngineSetup.configure();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // case, stride, padding, dilation, groups, mode
        "conv_zeros, 1, 1, 1, 1, ZEROS",
        "conv_stride2, 2, 1, 1, 1, ZEROS",
        "conv_groups, 1, 1, 1, 2, ZEROS",
        "conv_depthwise, 1, 1, 1, 4, ZEROS",
        "conv_dilation, 1, 2, 2, 1, ZEROS",
        "conv_1x1_nobias, 1, 0, 1, 1, ZEROS",
        "conv_reflect, 1, 2, 1, 1, REFLECT",
        "conv_replicate, 1, 2, 1, 1, REPLICATE",
        "conv_circular, 1, 2, 1, 1, CIRCULAR",
        "conv_reflect_stride2_groups, 2, 1, 1, 2, REFLECT",
    })
    void matchesTorchConv2d(String name, int stride, int padding, int dilation, int groups, PaddingMode mode) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = NnReference.load(m, name, "x");
            NDArray w = NnReference.load(m, name, "weight");
            NDArray b = NnReference.exists(name, "bias") ? NnReference.load(m, name, "bias") : null;
            Conv2dLayer conv = new Conv2dLayer(w, b, stride, padding, dilation, groups, mode);
            assertEquals(x.getShape().get(1), conv.inChannels());
            NnReference.assertClose(name, conv.forward(x), NnReference.load(m, name, "y"), 1e-5);
        }
    }

    @Test
    void loadsFromAStateDictAndChecksTheShape() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> t = new LinkedHashMap<>();
            t.put("conv.weight", NnReference.load(m, "conv_zeros", "weight"));
            t.put("conv.bias", NnReference.load(m, "conv_zeros", "bias"));
            StateDict sd = new StateDict(t, "test");
            Conv2dLayer conv = Conv2dLayer.load(sd.sub("conv"), 4, 6, 3, 1, 1);
            assertEquals(6, conv.outChannels());
            NDArray x = NnReference.load(m, "conv_zeros", "x");
            NnReference.assertClose("conv_zeros via StateDict", conv.forward(x),
                    NnReference.load(m, "conv_zeros", "y"), 1e-5);
            NnReference.assertClose("withPaddingMode(ZEROS)", conv.withPaddingMode(PaddingMode.ZEROS).forward(x),
                    NnReference.load(m, "conv_zeros", "y"), 1e-5);
            assertThrows(RuntimeException.class, () -> Conv2dLayer.load(sd.sub("conv"), 4, 6, 5, 1, 1));
            assertThrows(IllegalArgumentException.class,
                    () -> new Conv2dLayer(m.zeros(new Shape(3, 3)), null, 1, 0, 1, 1, PaddingMode.ZEROS));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"pad_constant, ZEROS", "pad_reflect, REFLECT", "pad_replicate, REPLICATE", "pad_circular, CIRCULAR"})
    void padMatchesTorchPadWithAsymmetricAmounts(String name, PaddingMode mode) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = NnReference.load(m, name, "x");
            // F.pad(x, (1, 3, 2, 0)): left 1, right 3, top 2, bottom 0
            NDArray y = Padding.pad(x, mode, 1, 3, 2, 0);
            NnReference.assertClose(name, y, NnReference.load(m, name, "y"), 0);
            assertSame(x, Padding.pad(x, mode, 0, 0, 0, 0));
        }
    }

    @Test
    void reflectPaddingAsLargeAsTheInputIsRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.zeros(new Shape(1, 1, 3, 3));
            assertThrows(IllegalArgumentException.class, () -> Padding.pad(x, PaddingMode.REFLECT, 3, 0, 0, 0));
        }
    }
}
