package dev.restora.sgmse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.NoiseSource;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.RecordedNoise;
import dev.restora.core.diffusion.Stage;
import dev.restora.core.diffusion.StepListener;
import dev.restora.core.parity.ParityCases;
import dev.restora.core.parity.ParityFixtures;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.RunContext;
import dev.restora.sgmse.sampling.ProbabilityFlowSampler;
import dev.restora.sgmse.sampling.SamplerProbe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code pipeline} case end to end through the production {@link Enhancer}s and {@code DiffusionLoop}, with
 * the recorded noise replayed in the manifest's draw order (prior, then per step the corrector and predictor
 * noises, or the bridge's one noise), and every recorded step intermediate compared as the sampler produces it.
 * The sampler is chosen from the checkpoint (StoRM regeneration, SGMSE OUVE, Schrödinger bridge) and the case's
 * settings, never from the case name.
 *
 * <p>The recordings are {@code torch.randn_like} on complex64 (re and im each N(0, 1/2)); the port's noise source
 * delivers N(0, 1) that {@code ComplexNoise} scales by sqrt(1/2), so the replay scales the recording by sqrt 2.
 */
class PipelineParityTest {

    @TestFactory
    Stream<DynamicTest> pipelineCases() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String family : new String[] {"sgmse", "storm"}) {
            tests.addAll(ParityCases.family(family, "pipeline case", fx -> {
                List<DynamicTest> own = new ArrayList<>();
                for (JsonObject c : fx.cases("pipeline")) {
                    own.add(DynamicTest.dynamicTest(family + "/" + c.get("name").getAsString(), () -> run(fx, c)));
                }
                return own;
            }));
        }
        return tests.stream();
    }

    /** The recorded noise files in draw order, derived from the fields present. */
    static List<Path> noiseFiles(ParityFixtures fx, JsonObject inter) {
        List<Path> files = new ArrayList<>();
        if (inter.has("prior_noise") && inter.get("prior_noise").isJsonObject()) {
            files.add(fx.file(inter.getAsJsonObject("prior_noise").get("file").getAsString()));
        }
        if (inter.has("steps")) {
            for (JsonElement e : inter.getAsJsonArray("steps")) {
                JsonObject s = e.getAsJsonObject();
                for (String key : new String[] {"corrector_noise", "predictor_noise", "noise"}) {
                    if (!s.has(key)) {
                        continue;
                    }
                    JsonElement v = s.get(key);
                    if (v.isJsonArray()) {
                        for (JsonElement item : v.getAsJsonArray()) {
                            files.add(fx.file(item.getAsJsonObject().get("file").getAsString()));
                        }
                    } else {
                        files.add(fx.file(v.getAsJsonObject().get("file").getAsString()));
                    }
                }
            }
        }
        return files;
    }

    static NoiseSource scaledReplay(List<Path> files) {
        RecordedNoise rec = new RecordedNoise(files);
        return (m, shape) -> rec.normal(m, shape).mul(Math.sqrt(2));
    }

    static RunContext context(NDManager scope, NoiseSource noise) {
        return new RunContext(scope, Device.cpu(), ParameterValues.of(List.of(), Map.of()), noise, StepListener.NONE,
                new CancellationToken(), PreviewPolicy.OFF);
    }

    private static int intSetting(JsonObject s, String key, int def) {
        return s != null && s.has(key) ? s.get(key).getAsInt() : def;
    }

    private static void run(ParityFixtures fx, JsonObject c) {
        String name = c.get("name").getAsString();
        JsonObject in = c.getAsJsonObject("inputs");
        JsonObject inter = c.getAsJsonObject("intermediates");
        JsonObject out = c.getAsJsonObject("outputs");
        JsonObject s = c.getAsJsonObject("settings");
        JsonObject tol = c.getAsJsonObject("tolerance");
        try (NDManager m = NDManager.newBaseManager()) {
            LoadedCheckpoint ckpt = Models.read(Models.checkpointOf(fx, c), m);
            Enhancer enhancer;
            EnhanceOptions opts;
            int n = intSetting(s, "N", 0);
            double snr = s != null && s.has("snr") ? s.get("snr").getAsDouble() : 0.5;
            String corrector = s != null && s.has("corrector") ? s.get("corrector").getAsString() : "ald";
            int correctorSteps = intSetting(s, "corrector_steps", 1);
            String samplerType = s != null && s.has("sampler_type") ? s.get("sampler_type").getAsString() : "pc";
            if (StormModel.isStorm(ckpt)) {
                enhancer = new StormEnhancer(StormModel.load(ckpt, false));
                String mode = s != null && s.has("mode") ? s.get("mode").getAsString() : "storm";
                opts = new EnhanceOptions(mode.startsWith("denoiser") ? "denoiser" : "pc", n, correctorSteps, snr, false,
                        corrector);
            } else {
                SgmseModel model = SgmseModel.load(ckpt, false);
                enhancer = new SgmseEnhancer(model);
                if (model.isBridge()) {
                    opts = new EnhanceOptions(samplerType, n, 0, 0, false);
                } else {
                    opts = new EnhanceOptions(samplerType.equals("ode") ? "ode" : "pc", n, correctorSteps, snr, false,
                            corrector);
                }
            }
            if (s != null && s.has("sample_rate")) {
                assertEquals(s.get("sample_rate").getAsInt(), enhancer.sampleRate(), name + " sample rate");
            }
            float[] noisy = fx.load(m, in.get("noisy")).toFloatArray();
            Map<String, JsonObject> refs = new HashMap<>();
            for (String key : new String[] {"Y_padded", "Y_denoised", "sample"}) {
                if (inter.has(key) && inter.get(key).isJsonObject()) {
                    refs.put(key, inter.getAsJsonObject(key));
                }
            }
            JsonArray steps = inter.has("steps") ? inter.getAsJsonArray("steps") : new JsonArray();
            int[] compared = {0};
            SamplerProbe probe = (step, what, value) -> {
                JsonObject ref = null;
                String key = what;
                if (step < 0) {
                    key = what.equals("Y") ? "Y_padded" : what;
                    ref = refs.get(key);
                } else if (step < steps.size()) {
                    JsonObject st = steps.get(step).getAsJsonObject();
                    if (st.has(what) && st.get(what).isJsonObject()) {
                        ref = st.getAsJsonObject(what);
                    }
                    // the last step of the PC sampler records x_mean as the state after the predictor
                }
                if (ref != null) {
                    NDArray expected = fx.load(m, ref);
                    Check.within(name + " " + (step < 0 ? "" : "step" + step + " ") + key, Complex.fromState(value),
                            expected, tol);
                    compared[0]++;
                }
            };
            NoiseSource noise = scaledReplay(noiseFiles(fx, inter));
            float[] enhanced;
            try (NDManager scope = m.newSubManager()) {
                enhanced = enhancer.enhance(noisy, context(scope, noise), opts, Stage.WHOLE, probe);
            }
            NDArray ref = fx.load(m, out.get("enhanced"));
            Check.within(name + " enhanced", m.create(enhanced, ref.getShape()), ref, tol);
            assertTrue(compared[0] > 0, name + ": no intermediate compared");
        }
    }
}
