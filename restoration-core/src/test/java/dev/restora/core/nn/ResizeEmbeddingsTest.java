package dev.restora.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import dev.restora.core.engine.EngineSetup;
import dev.restora.core.parity.ParityCases;
import dev.restora.core.parity.ParityFixtures;
import dev.restora.core.parity.Tolerance;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bicubic resize and the time embeddings against PyTorch and the parity fixtures. */
class ResizeEmbeddingsTest {

    @BeforeAll
    static void engine() {
        EngineSetup.configure();
    }

    @Test
    void bicubicMatchesTorchInterpolateForNonIntegerSizes() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (String name : new String[] {"bicubic_up", "bicubic_down"}) {
                NDArray x = NnReference.load(m, name, "x");
                NDArray ref = NnReference.load(m, name, "y");
                NDArray y = Resize.bicubic(x, (int) ref.getShape().get(2), (int) ref.getShape().get(3));
                NnReference.assertClose(name, y, ref, 1e-5);
            }
            NDArray x = NnReference.load(m, "bicubic_x2", "x");
            NnReference.assertClose("bicubic_x2", Resize.bicubic(x, 2), NnReference.load(m, "bicubic_x2", "y"), 1e-5);
        }
    }

    /** Every ResShift building-block case resizing x to y: output size from its output shape. */
    @Test
    void bicubicMatchesTheResShiftFixtures() {
        ParityFixtures fx = ParityFixtures.family("resshift");
        List<JsonObject> cases = ParityCases.having(fx, "building_block", List.of("x"), List.of("y"));
        ParityCases.requireSome(cases.size(), "resshift bicubic case (building_block x -> y)");
        try (NDManager m = NDManager.newBaseManager()) {
            for (JsonObject c : cases) {
                JsonObject in = c.getAsJsonObject("inputs");
                JsonObject out = c.getAsJsonObject("outputs");
                NDArray x = fx.load(m, in.get("x"));
                NDArray ref = fx.load(m, out.get("y"));
                int d = ref.getShape().dimension();
                NDArray y = Resize.bicubic(x, (int) ref.getShape().get(d - 2), (int) ref.getShape().get(d - 1));
                Tolerance.assertWithin(ParityFixtures.str(c, "name"), y, ref, c.getAsJsonObject("tolerance"));
                System.out.printf("%s: max|diff| = %.3g%n", ParityFixtures.str(c, "name"),
                        Tolerance.maxAbsDiff(y, ref));
            }
        }
    }

    /** Every ResShift building-block case embedding t: dim from the output, max_period from the text. */
    @Test
    void sinusoidalMatchesTheResShiftFixtures() {
        ParityFixtures fx = ParityFixtures.family("resshift");
        List<JsonObject> cases = ParityCases.having(fx, "building_block", List.of("t"), List.of("emb"));
        ParityCases.requireSome(cases.size(), "resshift timestep embedding case (building_block t -> emb)");
        try (NDManager m = NDManager.newBaseManager()) {
            for (JsonObject c : cases) {
                NDArray t = fx.load(m, c.getAsJsonObject("inputs").get("t"));
                JsonObject out = c.getAsJsonObject("outputs");
                NDArray ref = fx.load(m, out.get(out.keySet().iterator().next()));
                double maxPeriod = 10000;
                Matcher mp = Pattern.compile("max_period\\s*=\\s*([0-9.eE+]+)")
                        .matcher(String.valueOf(ParityFixtures.str(c, "description")));
                if (mp.find()) {
                    maxPeriod = Double.parseDouble(mp.group(1));
                }
                NDArray y = Embeddings.sinusoidal(t, (int) ref.getShape().get(1), maxPeriod);
                Tolerance.assertWithin(ParityFixtures.str(c, "name"), y, ref, c.getAsJsonObject("tolerance"));
                System.out.printf("%s: max|diff| = %.3g%n", ParityFixtures.str(c, "name"),
                        Tolerance.maxAbsDiff(y, ref));
            }
        }
    }

    @Test
    void sinusoidalWithAnOddDimensionAppendsAZeroColumn() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray t = NnReference.load(m, "sinusoidal_odd", "t");
            NDArray y = Embeddings.sinusoidal(t, 7, 10000);
            NnReference.assertClose("sinusoidal_odd", y, NnReference.load(m, "sinusoidal_odd", "y"), 1e-5);
            assertEquals(0f, y.get(":, 6").abs().sum().getFloat());
        }
    }
}
