package dev.restora.sgmse;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.restora.core.parity.ParityCases;
import dev.restora.core.parity.ParityFixtures;
import dev.restora.core.parity.Tolerance;
import dev.restora.sgmse.nn.GaussianFourierProjection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.AssertionFailedError;

/**
 * Every {@code single_forward} case (SGMSE ncsnpp / v2 / 48k / bridge, StoRM denoiser + score) and the Fourier
 * embedding, dispatched by the checkpoint's content and the case's arrays. Where a case carries a raw-weight
 * decoy, the test also shows that a model built from the raw (non-EMA) weights reproduces the decoy and FAILS
 * the reference comparison, so matching the decoy can never pass.
 */
class NetworkParityTest {

    /**
     * Array outputs no forward is compared with, and why; every other array output of a case must be compared, so
     * that a new reference array cannot be left unchecked unnoticed.
     */
    static final Map<String, String> NOT_COMPARED = Map.of(
            "backbone_out", "the raw NCSNpp_v2 output before network_scaling / c_skip / c_out, which the scaled "
                    + "output ('score') covers");

    @TestFactory
    Stream<DynamicTest> singleForwardCases() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String family : new String[] {"sgmse", "storm"}) {
            tests.addAll(ParityCases.family(family, "single_forward case", fx -> {
                List<DynamicTest> own = new ArrayList<>();
                for (JsonObject c : fx.cases("single_forward")) {
                    own.add(DynamicTest.dynamicTest(family + "/" + c.get("name").getAsString(), () -> check(fx, c)));
                }
                return own;
            }));
        }
        // SGMSE's fixtures hold the time embedding on its own; StoRM's cover it through the score network's forwards
        tests.addAll(ParityCases.family("sgmse", "Fourier embedding case", fx -> {
            List<DynamicTest> own = new ArrayList<>();
            for (JsonObject c : fx.cases("building_block")) {
                if (BlockKind.of(c) == BlockKind.FOURIER_EMBEDDING) {
                    own.add(DynamicTest.dynamicTest("sgmse/" + c.get("name").getAsString(), () -> fourier(fx, c)));
                }
            }
            return own;
        }));
        return tests.stream();
    }

    private static void check(ParityFixtures fx, JsonObject c) {
        String name = c.get("name").getAsString();
        JsonObject in = c.getAsJsonObject("inputs");
        JsonObject out = c.getAsJsonObject("outputs");
        JsonObject tol = c.getAsJsonObject("tolerance");
        Path file = Models.checkpointOf(fx, c);
        try (NDManager m = NDManager.newBaseManager()) {
            LoadedCheckpoint ckpt = Models.read(file, m);
            float[] t = fx.load(m, in.get("t")).toFloatArray();
            NDArray x = Complex.toState(fx.load(m, in.get("x_t")));
            Set<String> compared = new TreeSet<>();
            if (StormModel.isStorm(ckpt)) {
                NDArray y = Complex.toState(fx.load(m, in.get("Y")));
                StormModel model = StormModel.load(ckpt, false);
                NDArray den = model.denoise(y);
                NDArray score = model.score(x, model.conditioning(y, den), t);
                compare(fx, m, name, out, "denoised", Complex.fromState(den), tol, compared);
                compare(fx, m, name, out, "score", Complex.fromState(score), tol, compared);
                for (Map.Entry<String, JsonElement> e : out.entrySet()) {
                    if (e.getKey().contains("raw_weights") && e.getKey().startsWith("denoised")) {
                        StormModel raw = StormModel.load(ckpt, true);
                        decoy(name + " " + e.getKey(), Complex.fromState(raw.denoise(y)),
                                fx.load(m, e.getValue()), fx.load(m, out.get("denoised")), tol);
                        compared.add(e.getKey());
                    }
                }
            } else {
                NDArray y = Complex.toState(fx.load(m, in.get("y")));
                SgmseModel model = SgmseModel.load(ckpt, false);
                NDArray o = model.output(x, y, t);
                compare(fx, m, name, out, "score", Complex.fromState(o), tol, compared);
                for (Map.Entry<String, JsonElement> e : out.entrySet()) {
                    if (e.getKey().contains("raw_weights") && e.getValue().isJsonObject()) {
                        SgmseModel raw = SgmseModel.load(ckpt, true);
                        decoy(name + " " + e.getKey(), Complex.fromState(raw.output(x, y, t)),
                                fx.load(m, e.getValue()), fx.load(m, out.get("score")), tol);
                        // a checkpoint without an EMA entry falls back to its state_dict (with a warning)
                        LoadedCheckpoint noEma = new LoadedCheckpoint(ckpt.stateDict(), java.util.Optional.empty(),
                                ckpt.hyperParameters(), ckpt.source() + " without ema");
                        Check.within(name + " no-EMA fallback = raw weights",
                                Complex.fromState(SgmseModel.load(noEma, false).output(x, y, t)),
                                fx.load(m, e.getValue()), tol);
                        compared.add(e.getKey());
                    }
                }
            }
            Set<String> unchecked = new TreeSet<>();
            for (Map.Entry<String, JsonElement> e : out.entrySet()) {
                if (e.getValue().isJsonObject() && !compared.contains(e.getKey())
                        && !NOT_COMPARED.containsKey(e.getKey())) {
                    unchecked.add(e.getKey());
                }
            }
            assertTrue(unchecked.isEmpty(), name + ": reference outputs compared with nothing: " + unchecked
                    + " (compared: " + compared + ")");
        }
    }

    /**
     * Compares {@code mine} with the output {@code key} (which the case must have) and with its float64 reference
     * {@code key_f64} where present.
     */
    private static void compare(ParityFixtures fx, NDManager m, String name, JsonObject out, String key, NDArray mine,
                                JsonObject tol, Set<String> compared) {
        assertTrue(out.has(key), name + ": no '" + key + "' output");
        Check.within(name + " " + key, mine, fx.load(m, out.get(key)), tol);
        compared.add(key);
        if (out.has(key + "_f64")) {
            Check.within(name + " " + key + " vs float64 reference", mine, fx.load(m, out.get(key + "_f64")), tol);
            compared.add(key + "_f64");
        }
    }

    /** The raw-weight model reproduces the decoy, and the decoy fails the reference comparison. */
    private static void decoy(String what, NDArray rawOutput, NDArray decoy, NDArray reference, JsonObject tol) {
        Tolerance.assertWithin(what + " (raw weights reproduce the decoy)", rawOutput, decoy, tol);
        assertThrows(AssertionFailedError.class, () -> Tolerance.assertWithin(what, rawOutput, reference, tol),
                what + ": the raw-weight output must not pass the reference comparison");
    }

    private static void fourier(ParityFixtures fx, JsonObject c) {
        String name = c.get("name").getAsString();
        try (NDManager m = NDManager.newBaseManager()) {
            LoadedCheckpoint ckpt = Models.read(Models.checkpointOf(fx, c), m);
            String prefix = StormModel.isStorm(ckpt) ? StormModel.SCORE_PREFIX : SgmseModel.PREFIX;
            NDArray ref = fx.load(m, c.getAsJsonObject("outputs").get("emb"));
            long nf = ref.getShape().get(1) / 2;
            GaussianFourierProjection gfp = GaussianFourierProjection.load(
                    ckpt.inferenceWeights(List.of(prefix)).sub(prefix + "all_modules.0"), nf);
            NDArray t = fx.load(m, c.getAsJsonObject("inputs").get("t"));
            Check.within(name + " emb", gfp.forward(t.log()), ref, c.getAsJsonObject("tolerance"));
        }
    }
}
