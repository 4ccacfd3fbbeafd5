package dev.restora.resshift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.nn.MemoryFormat;
import dev.restora.resshift.vq.VQConfig;
import dev.restora.resshift.vq.VQModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The VQ autoencoder keeps channels-last from its input to its output: no convolution input needs a new layout (a
 * layout round trip inside, for example around attention or padding, fails this test).
 */
class VQChannelsLastTest {

    @Test
    void encodeAndDecodeKeepChannelsLastWithoutRoundTrips() {
        assertTrue(MemoryFormat.enabled(), "the TorchScript helper must load in this engine");
        // two levels, attention at the lower one and in the middle, a channel change with a 1x1 shortcut
        VQConfig c = new VQConfig(32, List.of(1, 2), List.of(1, 1), List.of(8), 16, 3, 3, 3, 3, 16);
        try (NDManager m = NDManager.newBaseManager()) {
            VQModel vq = VQModel.load(RandomWeights.vq(c, m), c);
            NDArray image = MemoryFormat.channelsLast(m.randomUniform(-1, 1, new Shape(1, 3, 16, 16), DataType.FLOAT32));
            NDArray[] z = new NDArray[1];
            assertEquals(0, MemoryFormat.conversionsDuring(() -> z[0] = vq.encode(image)), "round trips in encode");
            assertTrue(MemoryFormat.isChannelsLast(z[0]), "latent");
            NDArray[] y = new NDArray[1];
            assertEquals(0, MemoryFormat.conversionsDuring(() -> y[0] = vq.decode(z[0], false)), "round trips in decode");
            assertTrue(MemoryFormat.isChannelsLast(y[0]), "decoded image");
            assertEquals(new Shape(1, 3, 16, 16), y[0].getShape());
        }
    }
}
