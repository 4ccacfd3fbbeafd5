package dev.restora.sgmse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.restora.core.diffusion.NoiseSource;
import dev.restora.core.parity.ParityFixtures;
import dev.restora.core.parity.Tolerance;
import dev.restora.sgmse.sampling.ProbabilityFlowSampler;
import dev.restora.sgmse.sampling.SamplerProbe;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The probability-flow ODE cases ({@code pipeline_partial} with {@code sampler_type = ode}): the reference stops
 * with an error after the solver, so the comparison is the solver itself: the time of every network evaluation
 * (SciPy's RK45 step control reproduced), the recorded evaluations, the accepted times and the final state at
 * t_eps. By default the first {@value #DEFAULT_ACCEPTED} accepted steps are checked (hundreds of network calls
 * otherwise); {@code -Drestora.sgmse.fullOde=true} integrates to t_eps and checks the final state too.
 */
class OdeParityTest {
    static final int DEFAULT_ACCEPTED = 2;
    private static final double TIME_TOL = 1e-6;

    @TestFactory
    Stream<DynamicTest> odeCases() {
        List<DynamicTest> tests = new ArrayList<>();
        ParityFixtures fx = ParityFixtures.family("sgmse");
        for (JsonObject c : fx.cases("pipeline_partial")) {
            JsonObject s = c.getAsJsonObject("settings");
            if (s != null && s.has("sampler_type") && s.get("sampler_type").getAsString().equals("ode")) {
                tests.add(DynamicTest.dynamicTest(c.get("name").getAsString(), () -> run(fx, c)));
            }
        }
        return tests.stream();
    }

    private static void run(ParityFixtures fx, JsonObject c) {
        String name = c.get("name").getAsString();
        boolean full = Boolean.getBoolean("restora.sgmse.fullOde");
        JsonObject in = c.getAsJsonObject("inputs");
        JsonObject inter = c.getAsJsonObject("intermediates");
        JsonObject tol = c.getAsJsonObject("tolerance");
        JsonObject s = c.getAsJsonObject("settings");
        assertEquals(1e-5, s.get("rtol").getAsDouble());
        assertEquals(1e-5, s.get("atol").getAsDouble());
        try (NDManager m = NDManager.newBaseManager()) {
            SgmseModel model = SgmseModel.load(Models.read(Models.checkpointOf(fx, c), m), false);
            float[] noisy = fx.load(m, in.get("noisy")).toFloatArray();
            // the padded input follows from the waveform; check it against the recording where present
            float norm = 0;
            for (float v : noisy) {
                norm = Math.max(norm, Math.abs(v));
            }
            float[] yn = new float[noisy.length];
            for (int i = 0; i < yn.length; i++) {
                yn[i] = noisy[i] / norm;
            }
            NDArray y = model.spectral().analyse(yn).toState(m);
            if (in.has("Y_padded")) {
                Check.within(name + " Y_padded", Complex.fromState(y), fx.load(m, in.get("Y_padded")), tol);
            }
            Map<Integer, JsonObject> evals = new HashMap<>();
            for (JsonElement e : inter.getAsJsonArray("evaluations")) {
                evals.put(e.getAsJsonObject().get("index").getAsInt(), e.getAsJsonObject());
            }
            int[] compared = {0};
            Map<Integer, NDArray> states = new HashMap<>();
            // a recorded evaluation at the prior is compared directly; a later one is split into the solver state
            // (compared as a state) and the network at the REFERENCE state (the 1/sigma scaling near t_eps would
            // otherwise amplify the trajectory's rounding differences into the score)
            SamplerProbe probe = (index, what, value) -> {
                JsonObject ev = evals.get(index);
                if (ev == null) {
                    return;
                }
                boolean recordedX = ev.has("x") && ev.get("x").isJsonObject();
                if (what.equals("x") && recordedX) {
                    // kept and compared after the evaluation times (a differing step sequence explains a state)
                    states.put(index, Complex.fromState(value).duplicate());
                    states.get(index).attach(m);
                    compared[0]++;
                } else if (what.equals("score") && !recordedX && ev.get("score").isJsonObject()) {
                    Check.within(name + " eval" + index + " score", Complex.fromState(value),
                            fx.load(m, ev.get("score")), tol);
                    compared[0]++;
                }
            };
            for (Map.Entry<Integer, JsonObject> e : evals.entrySet()) {
                JsonObject ev = e.getValue();
                if (ev.has("x") && ev.get("x").isJsonObject() && ev.get("score").isJsonObject()) {
                    NDArray xr = Complex.toState(fx.load(m, ev.get("x")));
                    float tf = (float) ev.get("t").getAsDouble();
                    NDArray sc = model.score(xr, y, new float[] {tf});
                    Check.within(name + " eval" + e.getKey() + " score at the recorded state", Complex.fromState(sc),
                            fx.load(m, ev.get("score")), tol);
                }
            }
            NoiseSource noise = PipelineParityTest.scaledReplay(PipelineParityTest.noiseFiles(fx, inter));
            ProbabilityFlowSampler sampler = new ProbabilityFlowSampler(model.ouve(), y, y, SgmseEnhancer.T_EPS, probe);
            NDArray prior = sampler.initialState(m, noise);
            sampler.begin(model, m, prior);
            int accepted = 0;
            while ((full || accepted < DEFAULT_ACCEPTED) && sampler.advance(model, m)) {
                accepted++;
            }
            JsonArray refTimes = inter.getAsJsonArray("eval_times");
            List<Double> times = sampler.evalTimes();
            assertTrue(times.size() <= refTimes.size(), name + ": more evaluations than the reference");
            double worst = 0;
            int firstBad = -1;
            for (int i = 0; i < times.size(); i++) {
                double d = Math.abs(refTimes.get(i).getAsDouble() - times.get(i));
                worst = Math.max(worst, d);
                if (d > TIME_TOL && firstBad < 0) {
                    firstBad = i;
                }
            }
            System.out.printf("parity %s: %d evaluations (reference %d), max |t - t_ref| %.3g%s%n", name, times.size(),
                    refTimes.size(), worst, firstBad < 0 ? "" : ", first beyond " + TIME_TOL + " at " + firstBad);
            for (int i = 0; i < times.size(); i++) {
                assertEquals(refTimes.get(i).getAsDouble(), times.get(i), TIME_TOL, name + " eval time " + i);
            }
            JsonArray refAccepted = inter.getAsJsonArray("accepted_times");
            List<Double> acc = sampler.acceptedTimes();
            for (int i = 0; i < acc.size(); i++) {
                assertEquals(refAccepted.get(i).getAsDouble(), acc.get(i), TIME_TOL, name + " accepted time " + i);
            }
            System.out.printf("parity %s: %d evaluation times and %d accepted times match (|dt| <= %g)%n", name,
                    times.size(), acc.size(), TIME_TOL);
            assertTrue(compared[0] > 0 || !full, name + ": no recorded evaluation compared");
            for (Map.Entry<Integer, NDArray> e : states.entrySet()) {
                Check.within(name + " eval" + e.getKey() + " state", e.getValue(),
                        fx.load(m, evals.get(e.getKey()).get("x")), tol);
            }
            if (full) {
                assertEquals(inter.get("nfev").getAsInt(), times.size(), name + " number of evaluations");
                JsonObject out = c.getAsJsonObject("outputs");
                NDArray ref = fx.load(m, out.get("state_at_t_eps_complex128"));
                double[] st = sampler.solverState();
                NDArray mine = Complex.fromState(m.create(st, y.getShape()));
                Check.within(name + " state at t_eps", mine, ref, tol);
            }
        }
    }
}
