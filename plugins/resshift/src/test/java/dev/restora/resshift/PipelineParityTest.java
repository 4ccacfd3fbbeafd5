package dev.restora.resshift;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.NoiseSource;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.RecordedNoise;
import dev.restora.core.diffusion.StepListener;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.image.ImageCodec;
import dev.restora.core.parity.ParityCases;
import dev.restora.core.parity.ParityFixtures;
import dev.restora.core.parity.Tolerance;
import dev.restora.core.pipeline.Media;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.PipelineContext;
import dev.restora.core.pipeline.PipelineDescriptor;
import dev.restora.core.pipeline.RestorationPipeline;
import dev.restora.core.pipeline.RunContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every pipeline case end to end through {@link ResShiftProvider}: the input PNG (and mask PNG) in, the recorded
 * noises replayed in the manifest's order (per tile for tiled cases, with the official chop and plain average),
 * the output image compared with the reference result within {@code result_abs}.
 */
class PipelineParityTest {

    @TestFactory
    Stream<DynamicTest> pipelinesThroughProvider() {
        ParityFixtures fx = ParityFixtures.family("resshift");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonObject c : fx.cases("pipeline")) {
            tests.add(DynamicTest.dynamicTest(ParityFixtures.str(c, "name"), () -> run(fx, c)));
        }
        return ParityCases.nonEmpty("resshift pipeline case", tests);
    }

    static RunContext context(NDManager scope, PipelineDescriptor d, Map<String, Object> params, NoiseSource noise,
                              StepListener listener, CancellationToken token, PreviewPolicy previews) {
        return new RunContext(scope, Device.cpu(), ParameterValues.of(d.parameters(), params), noise, listener, token,
                previews);
    }

    private static void run(ParityFixtures fx, JsonObject c) {
        FixtureModels.Setup s = FixtureModels.setup(fx, c);
        JsonObject in = c.getAsJsonObject("inputs");
        JsonObject inter = c.getAsJsonObject("intermediates");
        JsonObject out = c.getAsJsonObject("outputs");
        JsonObject settings = c.getAsJsonObject("settings");
        ImageBuffer image = ImageCodec.read(fx.file(in.get("lq_png").getAsString()));
        Map<String, Object> params = new HashMap<>();
        List<Path> noises = new ArrayList<>();
        if (inter.has("tiles")) {
            int chop = settings.get("chop_size").getAsInt();
            params.put(ResShiftProvider.TILE_SIZE, chop);
            params.put(ResShiftProvider.TILE_OVERLAP, chop - settings.get("chop_stride").getAsInt());
            params.put(ResShiftProvider.TILING, ResShiftProvider.TILING_OFFICIAL);
            for (JsonElement t : inter.getAsJsonArray("tiles")) {
                t.getAsJsonObject().getAsJsonArray("noises")
                        .forEach(n -> noises.add(fx.file(ParityFixtures.str(n.getAsJsonObject(), "file"))));
            }
        } else {
            params.put(ResShiftProvider.TILE_SIZE, Math.max(image.width(), image.height()));
            noises.addAll(FixtureModels.noises(fx, inter));
        }
        if (in.has("mask_png")) {
            params.put(ResShiftProvider.MASK, fx.file(in.get("mask_png").getAsString()).toString());
        }
        ResShiftProvider provider = new ResShiftProvider(List.of(s.variant()));
        PipelineDescriptor d = provider.descriptor();
        try (NDManager weights = NDManager.newBaseManager(); NDManager scope = NDManager.newBaseManager()) {
            RestorationPipeline p = provider.create(new PipelineContext(s.variant().option(), Device.cpu(), weights,
                    s.resolver()));
            RecordedNoise noise = new RecordedNoise(noises);
            Media result = p.run(Media.of(image), context(scope, d, params, noise, StepListener.NONE,
                    new CancellationToken(), PreviewPolicy.OFF));
            assertEquals(0, noise.remaining(), "recorded noises left over");
            ImageBuffer o = ((Media.Image) result).image();
            double abs = c.getAsJsonObject("tolerance").get("result_abs").getAsDouble();
            NDArray mine = scope.create(o.rgb(), new Shape(1, 3, o.height(), o.width()));
            double diff;
            if (out.has("final")) {
                diff = Tolerance.assertAbs("final", mine, fx.load(scope, out.get("final")), abs);
            } else {
                String key = out.has("result") ? "result" : "sample_func_result";
                diff = Tolerance.assertAbs(key, mine.mul(2f).sub(1f), fx.load(scope, out.get(key)), abs);
            }
            System.out.printf("%s through the provider: max abs diff %.3g%n", ParityFixtures.str(c, "name"), diff);
        }
    }
}
