package dev.restora.esrgan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.restora.core.RestoraException;
import dev.restora.core.nn.NearestUpsampleConv;
import dev.restora.core.tfjs.TfjsModel;
import dev.restora.core.tfjs.TfjsModelReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The graph builder's closed set: other kinds and other settings of the known ones are refused by name at load;
 * a kernel that disagrees with its layer is refused; TF 'same' padding with an even kernel pads at the end;
 * PixelShuffle is depth_to_space in DCR order.
 */
class GraphNetworkTest {
    static final TfjsModel SLIM = TfjsModelReader.read(TestModels.files(EsrganVariant.SLIM_X2));

    /** The slim x2 model with one layer changed. */
    static TfjsModel with(String layer, UnaryOperator<TfjsModel.Layer> change) {
        List<TfjsModel.Layer> layers = new ArrayList<>();
        for (TfjsModel.Layer l : SLIM.layers()) {
            layers.add(l.name().equals(layer) ? change.apply(l) : l);
        }
        return new TfjsModel(SLIM.source(), layers, SLIM.inputLayers(), SLIM.outputLayers(), SLIM.weights());
    }

    static TfjsModel.Layer config(TfjsModel.Layer l, String key, String json) {
        JsonObject c = l.config().deepCopy();
        c.add(key, JsonParser.parseString(json));
        return new TfjsModel.Layer(l.className(), l.name(), c, l.inbound());
    }

    static RestoraException refused(TfjsModel m) {
        try (NDManager w = NDManager.newBaseManager()) {
            return assertThrows(RestoraException.class, () -> GraphNetwork.build(m, w));
        }
    }

    static void assertNames(RestoraException e, String... words) {
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), "'" + w + "' in: " + e.getMessage());
        }
    }

    /** UPsample -> SR (3x3 same) runs fused: UPsample is not computed, the output is the plain path's. */
    @ParameterizedTest
    @EnumSource(value = EsrganVariant.class, names = {"SLIM_X2", "SLIM_X4", "MEDIUM_X3", "MEDIUM_X4"})
    void nearestUpsampleThenConvRunsAsOneSubPixelConvolution(EsrganVariant v) {
        try (NDManager m = NDManager.newBaseManager()) {
            GraphNetwork net = GraphNetwork.build(TfjsModelReader.read(TestModels.files(v)), m);
            NDArray x = m.randomUniform(0, 255, new Shape(1, 3, 7, 6));
            List<String> seen = new ArrayList<>();
            NDArray fused = net.forward(x, (name, value) -> seen.add(name));
            assertTrue(seen.contains("SR") && !seen.contains("UPsample"), "computed: " + seen);
            NDArray plain;
            System.setProperty(NearestUpsampleConv.PROPERTY, "false");
            try {
                plain = net.forward(x);
            } finally {
                System.clearProperty(NearestUpsampleConv.PROPERTY);
            }
            assertEquals(new Shape(1, 3, 7L * v.scale(), 6L * v.scale()), fused.getShape());
            double scale = plain.abs().max().getFloat();
            double diff = fused.sub(plain).abs().max().getFloat();
            assertTrue(diff <= 1e-5 * scale, "max difference " + diff + " of " + scale);
        }
    }

    @Test
    void refusesUnknownKindsAndSettingsByName() {
        assertNames(refused(with("UPsample", l -> new TfjsModel.Layer("BatchNormalization", l.name(), l.config(),
                l.inbound()))), "UPsample", "BatchNormalization", "not supported");
        assertNames(refused(with("F_0", l -> config(l, "activation", "\"tanh\""))), "F_0", "tanh");
        assertNames(refused(with("UPsample", l -> config(l, "interpolation", "\"bilinear\""))), "UPsample",
                "bilinear");
        assertNames(refused(with("F_0", l -> config(l, "padding", "\"causal\""))), "F_0", "causal");
        String act = SLIM.layers().stream().filter(l -> l.className().equals("Activation")).findFirst().get().name();
        assertNames(refused(with(act, l -> config(l, "activation", "\"sigmoid\""))), act, "sigmoid");
        String cat = SLIM.layers().stream().filter(l -> l.className().equals("Concatenate")).findFirst().get().name();
        assertNames(refused(with(cat, l -> config(l, "axis", "1"))), cat, "axis 1");
    }

    @Test
    void refusesAKernelThatDisagreesWithItsLayer() {
        assertNames(refused(with("F_0", l -> config(l, "filters", "17"))), "F_0", "kernel shape");
        Map<String, TfjsModel.Weight> w = new LinkedHashMap<>(SLIM.weights());
        w.remove("SR/bias");
        TfjsModel noBias = new TfjsModel(SLIM.source(), SLIM.layers(), SLIM.inputLayers(), SLIM.outputLayers(), w);
        assertNames(refused(noBias), "SR", "bias");
    }

    @Test
    void sameWithAnEvenKernelPadsTheExtraPixelAtTheEnd() {
        // one 2x2 all-ones kernel on a 3x3 input: out[y, x] sums x[y..y+1, x..x+1], zero past the bottom/right
        JsonObject cfg = JsonParser.parseString("{\"filters\": 1, \"kernel_size\": [2, 2], \"padding\": \"same\","
                + " \"use_bias\": false}").getAsJsonObject();
        JsonObject in = JsonParser.parseString("{\"batch_input_shape\": [null, null, null, 1]}").getAsJsonObject();
        TfjsModel m = new TfjsModel("test", List.of(new TfjsModel.Layer("InputLayer", "x", in, List.of()),
                new TfjsModel.Layer("Conv2D", "c", cfg, List.of("x"))), List.of("x"), List.of("c"),
                Map.of("c/kernel", new TfjsModel.Weight("c/kernel", new long[] {2, 2, 1, 1}, new float[] {1, 1, 1, 1})));
        try (NDManager w = NDManager.newBaseManager()) {
            GraphNetwork net = GraphNetwork.build(m, w);
            NDArray x = w.create(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, new Shape(1, 1, 3, 3));
            assertArrayEquals(new float[] {12, 16, 9, 24, 28, 15, 15, 17, 9}, net.forward(x).toFloatArray());
        }
    }

    @Test
    void pixelShuffleIsDepthToSpaceInDcrOrder() {
        try (NDManager m = NDManager.newBaseManager()) {
            // NHWC channel (i*2 + j)*C + c goes to row 2h + i, column 2w + j; here C = 1, H = W = 1
            NDArray x = m.create(new float[] {10, 11, 12, 13}, new Shape(1, 4, 1, 1));
            assertArrayEquals(new float[] {10, 11, 12, 13}, PixelShuffle.depthToSpace(x, 2).toFloatArray());
            // C = 2: channels (i, j, c) -> out[c, i, j]
            NDArray y = m.create(new float[] {0, 100, 1, 101, 2, 102, 3, 103}, new Shape(1, 8, 1, 1));
            assertArrayEquals(new float[] {0, 1, 2, 3, 100, 101, 102, 103},
                    PixelShuffle.depthToSpace(y, 2).toFloatArray());
        }
    }
}
