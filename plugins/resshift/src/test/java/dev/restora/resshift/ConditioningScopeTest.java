package dev.restora.resshift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.DiffusionLoop;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.SeededNoise;
import dev.restora.core.diffusion.Stage;
import dev.restora.core.parity.ParityCases;
import dev.restora.core.parity.ParityFixtures;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.RunContext;
import dev.restora.resshift.diffusion.ResShiftSampler;
import dev.restora.resshift.unet.UNetConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The LQ conditioning (mask concatenation, feature extractor) is computed once per tile, in the tile's scope, and
 * nothing a step creates stays there: through the real {@link DiffusionLoop} (a scope per step) with the fixture
 * checkpoints of every pipeline case whose network has a mask channel or a feature extractor, the number of arrays
 * the tile's own manager holds is the same at every step as right after the sampler was built.
 */
class ConditioningScopeTest {

    @TestFactory
    Stream<DynamicTest> tileScopeStaysFlat() {
        ParityFixtures fx = ParityFixtures.family("resshift");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonObject c : fx.cases("pipeline")) {
            UNetConfig uc = FixtureModels.setup(fx, c).variant().unet();
            if (uc.condLq() && (uc.condMask() || uc.lqStages() > 0)) {
                tests.add(DynamicTest.dynamicTest(ParityFixtures.str(c, "name"), () -> run(fx, c)));
            }
        }
        return ParityCases.nonEmpty("resshift pipeline case with a mask channel or an LQ feature extractor", tests);
    }

    /** Arrays owned by {@code m} itself (not by its sub-managers). */
    private static long own(NDManager m) {
        return m.getManagedArrays().stream().filter(a -> a.getManager() == m).count();
    }

    private static void run(ParityFixtures fx, JsonObject c) {
        FixtureModels.Setup s = FixtureModels.setup(fx, c);
        JsonObject in = c.getAsJsonObject("inputs");
        try (NDManager weights = NDManager.newBaseManager(); NDManager tile = weights.newSubManager()) {
            ResShiftModel model = FixtureModels.load(s, weights);
            long weightArrays = own(weights);
            NDArray lq = fx.load(tile, in.get("lq"));
            NDArray mask = in.has("mask") ? fx.load(tile, in.get("mask")) : null;
            NDArray padded = model.pad(lq);
            NDArray zY = model.encode(model.encoderInput(padded));
            long beforeSampler = own(tile);
            ResShiftSampler sampler = model.sampler(zY, padded, mask == null ? null : model.pad(mask), false);
            long built = own(tile);
            assertTrue(built <= beforeSampler + 2, "the conditioning adds at most its own arrays to the tile: "
                    + beforeSampler + " -> " + built);
            List<Long> counts = new ArrayList<>();
            RunContext ctx = new RunContext(tile, Device.cpu(), ParameterValues.defaults(ResShiftProvider.parameters()),
                    new SeededNoise(7), e -> counts.add(own(tile)), new CancellationToken(), PreviewPolicy.OFF);
            DiffusionLoop.Result r = new DiffusionLoop(ctx, null, null).run(sampler, model.denoiser(), tile,
                    new Stage(0, 1, ""));
            assertNotNull(r.output());
            assertEquals(sampler.steps(), counts.size(), "steps");
            assertTrue(counts.size() >= 2, "needs several steps to see growth");
            for (int i = 0; i < counts.size(); i++) {
                assertEquals(built, counts.get(i), "arrays in the tile scope after step " + i + ": " + counts);
            }
            assertEquals(weightArrays, own(weights), "arrays left in the weights' manager");
        }
    }
}
