package dev.restora.sgmse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.restora.core.diffusion.NoiseSource;
import dev.restora.core.parity.ParityCases;
import dev.restora.core.parity.ParityFixtures;
import dev.restora.sgmse.sampling.DormandPrince45;
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
 * The probability-flow ODE cases ({@code pipeline_partial} with {@code sampler_type = ode}). The reference stops with
 * an error after the solver, so the solver itself is compared, in two runs. The manifest asks to "compare eval_times
 * exactly first, then states", but SciPy's step control amplifies the network's float32 rounding (one part in 10⁷ on
 * the score moves the final state by parts in 10⁴ and changes the number of evaluations; README, "Parity"), so no
 * implementation whose network is not bit-identical to the reference's can follow the sequence exactly to the end.
 * The checks that carry weight are therefore: every step size our controller proposes is within
 * {@value #PROPOSAL_TOL} (relative) of the step the reference took, and every accept/reject decision whose error norm
 * is more than {@value #DECISION_MARGIN} from 1 is the reference's.
 *
 * <ol>
 *   <li><b>Free run</b>, our own step control for the first {@value #FREE_ATTEMPTS} attempts: every attempt is held
 *       to the step bound and the decision margin, and every evaluation time to the reference's within the drift
 *       those allow. A decision inside the margin that goes the other way (a rounding-level tie) ends the comparison
 *       early; it must cover at least {@value #FREE_ACCEPTED} accepted steps.</li>
 *   <li><b>Replay</b> of the reference's whole step sequence: each attempt the reference made (accepted ones with
 *       the reference's float64 step, rejected ones with our controller's retry size) under the same two checks,
 *       the evaluation times of rejected attempts (our step) against the recording, and then the recorded
 *       evaluations and the state at t_eps with the manifest tolerance.</li>
 * </ol>
 */
class OdeParityTest {
    static final int FREE_ACCEPTED = 2;
    /**
     * Attempts of the free run held to the bounds. Float32 rounding makes the two trajectories drift apart (2e-6 in
     * time after 16 attempts of the public case, proposals up to 2.4e-4 apart and growing), so the replay's bounds stop
     * being a fair test of a free run some way in; past this the replay carries the comparison.
     */
    static final int FREE_ATTEMPTS = 16;
    static final double FREE_TIME_TOL = 1e-6;
    /** Relative agreement of proposed step sizes; the rounding of the score alone moves them by up to ~1e-4. */
    static final double PROPOSAL_TOL = 1e-3;
    /**
     * An error norm this close to 1 may fall either side of the threshold by rounding alone: proposals, which go as
     * err^(-1/5), differ by up to 7.8e-5 in the public case, so error norms by about 4e-4.
     */
    static final double DECISION_MARGIN = 5e-3;

    @TestFactory
    Stream<DynamicTest> odeCases() {
        return ParityCases.family("sgmse", "probability-flow ODE case (pipeline_partial, sampler_type ode)", fx -> {
            List<DynamicTest> tests = new ArrayList<>();
            for (JsonObject c : fx.cases("pipeline_partial")) {
                JsonObject s = c.getAsJsonObject("settings");
                if (s == null || !s.has("sampler_type") || !s.get("sampler_type").getAsString().equals("ode")) {
                    throw ParityCases.unsupported(c, "only the probability-flow ODE stops part way (sampler_type ode)");
                }
                String name = c.get("name").getAsString();
                tests.add(DynamicTest.dynamicTest(name + " free run", () -> run(fx, c, false)));
                tests.add(DynamicTest.dynamicTest(name + " replay", () -> run(fx, c, true)));
            }
            return tests;
        }).stream();
    }

    private static void run(ParityFixtures fx, JsonObject c, boolean replay) {
        String name = c.get("name").getAsString();
        JsonObject in = c.getAsJsonObject("inputs");
        JsonObject inter = c.getAsJsonObject("intermediates");
        JsonObject tol = c.getAsJsonObject("tolerance");
        JsonObject s = c.getAsJsonObject("settings");
        double rtol = s.has("rtol") ? s.get("rtol").getAsDouble() : ProbabilityFlowSampler.RTOL;
        double atol = s.has("atol") ? s.get("atol").getAsDouble() : ProbabilityFlowSampler.ATOL;
        double tEps = s.has("t_span") ? s.getAsJsonArray("t_span").get(1).getAsDouble() : SgmseEnhancer.T_EPS;
        assertEquals(1.0, s.has("t_span") ? s.getAsJsonArray("t_span").get(0).getAsDouble() : 1.0, "start time");
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
            SamplerProbe probe = (index, what, value) -> {
                JsonObject ev = evals.get(index);
                if (ev == null || !replay && index >= 2) {
                    return;
                }
                if (what.equals("x") && ev.has("x") && ev.get("x").isJsonObject()) {
                    Check.within(name + " eval" + index + " state", Complex.fromState(value),
                            fx.load(m, ev.get("x")), tol);
                    compared[0]++;
                } else if (what.equals("score") && ev.has("score") && ev.get("score").isJsonObject()) {
                    Check.within(name + " eval" + index + " score", Complex.fromState(value),
                            fx.load(m, ev.get("score")), tol);
                    compared[0]++;
                }
            };
            NoiseSource noise = PipelineParityTest.scaledReplay(PipelineParityTest.noiseFiles(fx, inter));
            ProbabilityFlowSampler sampler = new ProbabilityFlowSampler(model.ouve(), y, y, tEps, rtol, atol,
                    probe);
            NDArray prior = sampler.initialState(m, noise);
            DormandPrince45 solver = sampler.begin(model, prior);
            double[] refTimes = doubles(inter.getAsJsonArray("eval_times"));
            double[] refAccepted = doubles(inter.getAsJsonArray("accepted_times"));
            if (replay) {
                replay(name, solver, sampler.evalTimes(), refTimes, refAccepted);
                assertEquals(inter.get("nfev").getAsInt(), sampler.evalTimes().size(), name + " evaluations");
                assertTrue(compared[0] > 0, name + ": no recorded evaluation compared");
                NDArray ref = fx.load(m, c.getAsJsonObject("outputs").get("state_at_t_eps_complex128"));
                NDArray mine = Complex.fromState(m.create(solver.state(), y.getShape()));
                Check.within(name + " state at t_eps", mine, ref, tol);
            } else {
                freeRun(name, solver, sampler.evalTimes(), refTimes, refAccepted);
            }
        }
    }

    /**
     * Our own step control against the reference's attempts, in SciPy's order (f(t0), the initial-step probe, then
     * six evaluations per attempt). Evaluation times may drift apart by what the step bound allows: at most the
     * distance between the two solvers' current times plus {@value #PROPOSAL_TOL} of the step.
     */
    private static void freeRun(String name, DormandPrince45 solver, List<Double> times, double[] refTimes,
                                double[] refAccepted) {
        assertEquals(refTimes[0], times.get(0), FREE_TIME_TOL, name + " eval time 0");
        double h0 = refTimes[0] - refTimes[1];
        double rel0 = Math.abs((times.get(0) - times.get(1)) - h0) / h0;
        assertTrue(rel0 <= PROPOSAL_TOL, name + ": initial step " + (times.get(0) - times.get(1)) + ", the reference's "
                + h0);
        assertEquals(0, (refTimes.length - 2) % 6, name + ": evaluations are not 2 + 6 per attempt");
        int attempts = (refTimes.length - 2) / 6;
        int next = 1;
        int compared = 2;
        double worstProposal = rel0;
        double worstTime = 0;
        boolean afterRejection = false;
        String stop = null;
        double proposal = solver.stepSize();
        int free = Math.min(attempts, FREE_ATTEMPTS);
        for (int a = 0; a < free && stop == null; a++) {
            int first = 2 + 6 * a;
            float refEnd = (float) refTimes[first + 5];
            boolean refAccept = next < refAccepted.length && (float) refAccepted[next] == refEnd;
            double refStart = refAccepted[next - 1];
            double refStep = refAccept ? refStart - refAccepted[next] : refStart - refEnd;
            boolean clipped = refEnd == (float) refAccepted[refAccepted.length - 1]; // SciPy cut it at t_eps
            if (!clipped) {
                double rel = Math.abs(proposal - refStep) / refStep;
                worstProposal = Math.max(worstProposal, rel);
                assertTrue(rel <= PROPOSAL_TOL, String.format("%s free run, attempt %d at t=%.9f: step %.9g proposed, "
                        + "the reference took %.9g (relative %.2g)", name, a, solver.time(), proposal, refStep, rel));
            }
            double drift = Math.abs(solver.time() - refStart);
            DormandPrince45.Attempt at = solver.attempt(proposal, afterRejection);
            double allowed = drift + PROPOSAL_TOL * refStep + FREE_TIME_TOL;
            for (int k = 0; k < 6; k++) {
                double d = Math.abs(times.get(first + k) - refTimes[first + k]);
                worstTime = Math.max(worstTime, d);
                assertTrue(d <= allowed, String.format("%s free run, eval time %d: %.9f, the reference's %.9f (allowed "
                        + "%.3g)", name, first + k, times.get(first + k), refTimes[first + k], allowed));
            }
            compared += 6;
            double margin = Math.abs(at.errorNorm() - 1);
            if (at.acceptable() != refAccept) {
                assertTrue(margin <= DECISION_MARGIN, String.format("%s free run, attempt %d at t=%.9f: error norm %.6f"
                        + " %s, the reference %s", name, a, solver.time(), at.errorNorm(),
                        at.acceptable() ? "accepts" : "rejects", refAccept ? "accepted" : "rejected"));
                stop = String.format("attempt %d: a decision within %.3g of the threshold (error norm %.6f) went the "
                        + "other way", a, DECISION_MARGIN, at.errorNorm());
                break;
            }
            proposal = at.nextStepSize();
            if (refAccept) {
                solver.accept(at);
                next++;
                afterRejection = false;
            } else {
                afterRejection = true;
            }
        }
        if (stop == null && free == attempts) {
            assertEquals(refAccepted.length, next, name + ": accepted steps");
            assertTrue(solver.finished(), name + ": the free run ends before t_eps");
        }
        assertTrue(next - 1 >= FREE_ACCEPTED, name + ": the free run agreed for " + (next - 1)
                + " accepted steps only (" + stop + ")");
        System.out.printf("parity %s free run: %d of %d evaluation times compared (%s), %d accepted steps, proposals "
                + "within %.2g relative, times within %.3g%n", name, compared, refTimes.length,
                stop != null ? stop : free == attempts ? "to t_eps" : "the first " + free + " attempts", next - 1,
                worstProposal, worstTime);
    }

    /**
     * Steps {@code solver} through the reference's attempts. The reference's evaluation times come in SciPy's order:
     * f(t0), the initial-step probe, then six per attempt (stages 2..6 and the new end point); an attempt was
     * accepted when its end point is the next accepted time.
     */
    private static void replay(String name, DormandPrince45 solver, List<Double> times, double[] refTimes,
                               double[] refAccepted) {
        assertEquals((float) refTimes[0], (float) (double) times.get(0), name + " eval time 0");
        assertEquals((float) refTimes[1], (float) (double) times.get(1), name + " eval time 1 (initial step)");
        assertEquals(0, (refTimes.length - 2) % 6, name + ": evaluations are not 2 + 6 per attempt");
        int attempts = (refTimes.length - 2) / 6;
        int next = 1;
        int rejections = 0;
        double worstProposal = 0;
        double closestDecision = Double.POSITIVE_INFINITY;
        boolean afterRejection = false;
        double proposal = solver.stepSize();
        for (int a = 0; a < attempts; a++) {
            int first = 2 + 6 * a;
            float refEnd = (float) refTimes[first + 5];
            boolean refAccept = next < refAccepted.length && (float) refAccepted[next] == refEnd;
            double refStep = refAccept ? refAccepted[next - 1] - refAccepted[next] : solver.time() - refEnd;
            boolean clipped = refEnd == (float) refAccepted[refAccepted.length - 1]; // SciPy cut it at t_eps
            if (!clipped) {
                double rel = Math.abs(proposal - refStep) / refStep;
                worstProposal = Math.max(worstProposal, rel);
                assertTrue(rel <= PROPOSAL_TOL, String.format("%s attempt %d at t=%.9f: step %.9g proposed, the "
                        + "reference took %.9g (relative %.2g)", name, a, solver.time(), proposal, refStep, rel));
            }
            DormandPrince45.Attempt at = solver.attempt(refAccept ? refStep : proposal, afterRejection);
            if (!refAccept) {
                // an accepted attempt's times follow from the reference's own step; a rejected one's from ours
                for (int k = 0; k < 6; k++) {
                    assertEquals(refTimes[first + k], times.get(first + k), FREE_TIME_TOL,
                            name + " eval time " + (first + k));
                }
            }
            closestDecision = Math.min(closestDecision, Math.abs(at.errorNorm() - 1));
            if (Math.abs(at.errorNorm() - 1) > DECISION_MARGIN) {
                assertEquals(refAccept, at.acceptable(), String.format("%s attempt %d at t=%.9f: error norm %.6f",
                        name, a, solver.time(), at.errorNorm()));
            }
            proposal = at.nextStepSize();
            if (refAccept) {
                solver.accept(at);
                next++;
                afterRejection = false;
            } else {
                rejections++;
                afterRejection = true;
            }
        }
        assertEquals(refAccepted.length, next, name + ": accepted steps");
        assertTrue(solver.finished(), name + ": the replay ends before t_eps");
        System.out.printf("parity %s replay: %d attempts (%d rejected) as the reference, proposed steps within %.2g "
                + "relative, closest error norm to 1: %.3g%n", name, attempts, rejections, worstProposal,
                closestDecision);
    }

    private static double[] doubles(JsonArray a) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i).getAsDouble();
        }
        return d;
    }
}
