package dev.restora.resshift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.restora.core.diffusion.RecordedNoise;
import dev.restora.core.diffusion.Sampler;
import dev.restora.core.parity.ParityCases;
import dev.restora.core.parity.ParityFixtures;
import dev.restora.core.parity.Tolerance;
import dev.restora.resshift.diffusion.ResShiftSampler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every pipeline case step by step with the recorded noise: padding, upsampling, z_y, then each step's x_t,
 * network input and output, posterior mean and sample; the final latent, the codes (margin rule) and the decoded
 * result. A second pass feeds the reference x_t and model output to the sampler alone. Tiled cases check every
 * tile's own sample_func run against the tile results the case stores.
 */
class SamplerParityTest {

    @TestFactory
    Stream<DynamicTest> pipelines() {
        ParityFixtures fx = ParityFixtures.family("resshift");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonObject c : fx.cases("pipeline")) {
            JsonObject inter = c.getAsJsonObject("intermediates");
            if (inter.has("steps")) {
                tests.add(DynamicTest.dynamicTest(ParityFixtures.str(c, "name"), () -> stepByStep(fx, c)));
            } else if (inter.has("tiles")) {
                tests.add(DynamicTest.dynamicTest(ParityFixtures.str(c, "name"), () -> tiles(fx, c)));
            } else {
                throw new AssertionError(ParityFixtures.str(c, "name") + ": pipeline case without steps or tiles");
            }
        }
        return ParityCases.nonEmpty("resshift pipeline case", tests);
    }

    static double latentTol(JsonObject c) {
        return c.getAsJsonObject("tolerance").get("latents_rel_to_max_abs").getAsDouble();
    }

    private static void stepByStep(ParityFixtures fx, JsonObject c) {
        FixtureModels.Setup s = FixtureModels.setup(fx, c);
        JsonObject in = c.getAsJsonObject("inputs");
        JsonObject inter = c.getAsJsonObject("intermediates");
        JsonObject out = c.getAsJsonObject("outputs");
        double tol = latentTol(c);
        double resultAbs = c.getAsJsonObject("tolerance").get("result_abs").getAsDouble();
        try (NDManager weights = NDManager.newBaseManager(); NDManager run = weights.newSubManager()) {
            ResShiftModel model = FixtureModels.load(s, weights);
            NDArray lq = fx.load(run, in.get("lq"));
            NDArray mask = in.has("mask") ? fx.load(run, in.get("mask")) : null;
            NDArray padded = model.pad(lq);
            if (inter.has("lq_padded")) {
                Tolerance.assertAbs("lq_padded", padded, fx.load(run, inter.get("lq_padded")), 0);
            }
            NDArray encIn = model.encoderInput(padded);
            if (inter.has("lq_upsampled")) {
                Tolerance.assertRelToMaxAbs("lq_upsampled", encIn, fx.load(run, inter.get("lq_upsampled")), tol);
            }
            NDArray zY = model.encode(encIn);
            Tolerance.assertRelToMaxAbs("z_y", zY, fx.load(run, inter.get("z_y")), tol);
            RecordedNoise noise = new RecordedNoise(FixtureModels.noises(fx, inter));
            ResShiftSampler sampler = model.sampler(zY, padded, mask == null ? null : model.pad(mask), false);
            NDArray x = sampler.initialState(run, noise);
            JsonArray steps = inter.getAsJsonArray("steps");
            assertEquals(sampler.steps(), steps.size(), "steps");
            for (int i = 0; i < steps.size(); i++) {
                JsonObject st = steps.get(i).getAsJsonObject();
                String at = "step " + i;
                int t = sampler.timestep(i);
                assertEquals(st.get("t_index").getAsInt(), t, at + " t");
                if (st.has("t_model")) {
                    assertEquals(t, fx.load(run, st.get("t_model")).toType(DataType.INT64, false).toLongArray()[0]);
                }
                if (st.has("x_t")) {
                    Tolerance.assertRelToMaxAbs(at + " x_t", x, fx.load(run, st.get("x_t")), tol);
                }
                NDArray[] seen = new NDArray[2];
                Sampler.Step r = sampler.step((xin, ts, cond) -> {
                    seen[0] = xin;
                    seen[1] = model.denoiser().predict(xin, ts, cond);
                    return seen[1];
                }, i, x, run, noise);
                Tolerance.assertRelToMaxAbs(at + " model_in", seen[0], fx.load(run, st.get("model_in")), tol);
                NDArray refOut = fx.load(run, st.get("model_out"));
                Tolerance.assertRelToMaxAbs(at + " model_out", seen[1], refOut, tol);
                if (st.has("mean")) {
                    Tolerance.assertRelToMaxAbs(at + " mean",
                            ResShiftSampler.posteriorMean(x, seen[1], model.schedule(), t), fx.load(run, st.get("mean")), tol);
                }
                NDArray refSample = fx.load(run, st.get("sample"));
                Tolerance.assertRelToMaxAbs(at + " sample", r.next(), refSample, tol);
                // the sampler alone on the reference state and network output
                if (st.has("x_t")) {
                    NDArray refX = fx.load(run, st.get("x_t"));
                    RecordedNoise one = new RecordedNoise(List.of(fx.file(ParityFixtures.str(st.getAsJsonObject("noise"), "file"))));
                    Sampler.Step alone = sampler.step((xin, ts, cond) -> refOut, i, refX, run, one);
                    Tolerance.assertRelToMaxAbs(at + " sample from reference x_t and model_out", alone.next(), refSample, tol);
                }
                x = r.next();
            }
            assertEquals(0, noise.remaining(), "recorded noises left over");
            Tolerance.assertRelToMaxAbs("z0", x, fx.load(run, inter.get("z0")), tol);
            NDArray idx = model.autoencoder().quantizer().indices(x);
            String[] marginName = new String[1];
            double[] threshold = BuildingBlockParityTest.marginRule(c.getAsJsonObject("tolerance"), marginName);
            if (inter.has("indices") && threshold != null) {
                NDArray exp = fx.load(run, inter.get("indices"));
                int n = BuildingBlockParityTest.assertIndices("indices", idx.reshape(exp.getShape()), exp,
                        fx.load(run, inter.get(marginName[0])), threshold[0]);
                assertTrue(n > 0, "no code index above the margin threshold " + threshold[0]);
                System.out.printf("%s: %d of %d code indices above the margin compared%n", ParityFixtures.str(c, "name"),
                        n, exp.size());
            }
            if (inter.has("z_q")) {
                Tolerance.assertRelToMaxAbs("z_q", model.autoencoder().quantizer().lookup(x, idx),
                        fx.load(run, inter.get("z_q")), tol);
            }
            NDArray result = model.cropClamp(model.decode(x), (int) lq.getShape().get(2), (int) lq.getShape().get(3));
            String key = out.has("result") ? "result" : "sample_func_result";
            double d = Tolerance.assertAbs(key, result, fx.load(run, out.get(key)), resultAbs);
            System.out.printf("%s: %s max abs diff %.3g%n", ParityFixtures.str(c, "name"), key, d);
        }
    }

    private static void tiles(ParityFixtures fx, JsonObject c) {
        FixtureModels.Setup s = FixtureModels.setup(fx, c);
        double resultAbs = c.getAsJsonObject("tolerance").get("result_abs").getAsDouble();
        int compared = 0;
        try (NDManager weights = NDManager.newBaseManager(); NDManager run = weights.newSubManager()) {
            ResShiftModel model = FixtureModels.load(s, weights);
            for (JsonElement te : c.getAsJsonObject("intermediates").getAsJsonArray("tiles")) {
                JsonObject tile = te.getAsJsonObject();
                if (!tile.has("result") || tile.get("result").isJsonNull()) {
                    continue;
                }
                List<Path> files = new ArrayList<>();
                tile.getAsJsonArray("noises").forEach(n -> files.add(fx.file(ParityFixtures.str(n.getAsJsonObject(), "file"))));
                RecordedNoise noise = new RecordedNoise(files);
                NDArray lq = fx.load(run, tile.get("lq_tile"));
                NDArray padded = model.pad(lq);
                ResShiftSampler sampler = model.sampler(model.encode(model.encoderInput(padded)), padded, null, false);
                NDArray x = sampler.initialState(run, noise);
                for (int i = 0; i < sampler.steps(); i++) {
                    x = sampler.step(model.denoiser(), i, x, run, noise).next();
                }
                assertEquals(0, noise.remaining());
                NDArray result = model.cropClamp(model.decode(x), (int) lq.getShape().get(2), (int) lq.getShape().get(3));
                Tolerance.assertAbs("tile result", result, fx.load(run, tile.get("result")), resultAbs);
                compared++;
            }
        }
        assertTrue(compared > 0, "no tile result stored");
    }
}
