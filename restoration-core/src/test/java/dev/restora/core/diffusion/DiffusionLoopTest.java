package dev.restora.core.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.engine.EngineSetup;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.RunContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The diffusion loop with real samplers against a closed-form denoiser. */
class DiffusionLoopTest {
    private NDManager base;
    private NDManager owner;

    @BeforeAll
    static void engine() {
        EngineSetup.configure();
    }

    @BeforeEach
    void managers() {
        base = NDManager.newBaseManager();
        owner = base.newSubManager();
    }

    @AfterEach
    void close() {
        base.close();
    }

    private RunContext context(NoiseSource noise, StepListener listener, CancellationToken token,
                               PreviewPolicy previews) {
        return new RunContext(owner, owner.getDevice(), ParameterValues.defaults(List.of()), noise, listener, token,
                previews);
    }

    /** A renderer that copies the predicted clean state out of native memory and counts its calls. */
    private static final class Capture implements PreviewRenderer {
        final List<float[]> frames = new ArrayList<>();
        final List<Integer> steps = new ArrayList<>();

        @Override
        public PreviewFrame render(NDArray predictedClean, int step) {
            float[] v = predictedClean.toFloatArray();
            frames.add(v);
            steps.add(step);
            return new PreviewFrame.Image("x0", 1, 1, new int[] {0});
        }
    }

    @Test
    void ddimFollowsTheClosedFormPath() {
        GaussianDiffusion g = new GaussianDiffusion(0.7, 0.3, 50, 1e-3, 0.2);
        float[] xT = new float[64];
        for (int i = 0; i < xT.length; i++) {
            xT[i] = -3f + 6f * i / (xT.length - 1);
        }
        GaussianDiffusion.Denoiser net = g.new Denoiser();
        DiffusionLoop.Result r = new DiffusionLoop(context(new SeededNoise(0), StepListener.NONE,
                new CancellationToken(), PreviewPolicy.OFF), null, null)
                .run(g.new Ddim(xT, new Shape(64)), net, owner, Stage.WHOLE);
        assertEquals(50, r.stepsDone());
        assertFalse(r.finishedEarly());
        assertEquals(50, net.calls);
        float[] out = r.output().toFloatArray();
        double maxErr = 0;
        for (int i = 0; i < xT.length; i++) {
            maxErr = Math.max(maxErr, Math.abs(out[i] - g.ddimResult(xT[i])));
        }
        System.out.printf("DDIM vs closed form: max|diff| = %.3g%n", maxErr);
        assertTrue(maxErr < 2e-5, "max|diff| " + maxErr);
        assertEquals(owner, r.output().getManager());
        assertEquals(1, owner.getManagedArrays().size(), "only the result is left in the owner");
    }

    @Test
    void ancestralSamplerHasTheAnalyticMoments() {
        GaussianDiffusion g = new GaussianDiffusion(1.5, 0.5, 100, 1e-3, 0.1);
        int n = 20_000;
        AtomicInteger events = new AtomicInteger();
        DiffusionLoop.Result r = new DiffusionLoop(context(new SeededNoise(7), e -> events.incrementAndGet(),
                new CancellationToken(), PreviewPolicy.OFF), null, null)
                .run(g.new Ancestral(new Shape(n)), g.new Denoiser(), owner, Stage.WHOLE);
        assertEquals(100, events.get());
        float[] x = r.output().toFloatArray();
        double mean = 0;
        for (float v : x) {
            mean += v;
        }
        mean /= n;
        double var = 0;
        for (float v : x) {
            var += (v - mean) * (v - mean);
        }
        var /= n - 1;
        double[] expected = g.ancestralMoments();
        double seMean = Math.sqrt(expected[1] / n);
        double seVar = expected[1] * Math.sqrt(2.0 / (n - 1));
        System.out.printf("ancestral DDPM: mean %.5f (exact %.5f, se %.1g), var %.5f (exact %.5f, se %.1g; "
                + "data var %.5f)%n", mean, expected[0], seMean, var, expected[1], seVar, g.s * g.s);
        assertEquals(expected[0], mean, 5 * seMean);
        assertEquals(expected[1], var, 5 * seVar);
        // and it is near the data distribution: the small posterior variance (DDPM's sigma_t^2 = beta~_t) loses
        // about 9 % of the variance at 100 steps, as the exact moments above say
        assertEquals(g.mu, mean, 0.01);
        assertEquals(g.s * g.s, var, 0.15 * g.s * g.s);
        assertEquals(1, owner.getManagedArrays().size());
    }

    @Test
    void sameSeedSameResultAndRecordedNoiseReplays() {
        GaussianDiffusion g = new GaussianDiffusion(0, 1, 10, 1e-3, 0.2);
        CancellationToken token = new CancellationToken();
        float[] a = new DiffusionLoop(context(new SeededNoise(3), StepListener.NONE, token, PreviewPolicy.OFF),
                null, null).run(g.new Ancestral(new Shape(5)), g.new Denoiser(), owner, Stage.WHOLE)
                .output().toFloatArray();
        float[] b = new DiffusionLoop(context(new SeededNoise(3), StepListener.NONE, token, PreviewPolicy.OFF),
                null, null).run(g.new Ancestral(new Shape(5)), g.new Denoiser(), owner, Stage.WHOLE)
                .output().toFloatArray();
        float[] c = new DiffusionLoop(context(new SeededNoise(4), StepListener.NONE, token, PreviewPolicy.OFF),
                null, null).run(g.new Ancestral(new Shape(5)), g.new Denoiser(), owner, Stage.WHOLE)
                .output().toFloatArray();
        org.junit.jupiter.api.Assertions.assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
    }

    @Test
    void cancelStopsBeforeTheNextStepAndFreesEverything() {
        GaussianDiffusion g = new GaussianDiffusion(0, 1, 30, 1e-3, 0.2);
        CancellationToken token = new CancellationToken();
        List<Integer> steps = new ArrayList<>();
        StepListener l = e -> {
            steps.add(e.step());
            if (e.step() == 3) {
                token.cancel();
            }
        };
        GaussianDiffusion.Denoiser net = g.new Denoiser();
        assertThrows(CancelledException.class, () -> new DiffusionLoop(context(new SeededNoise(1), l, token,
                PreviewPolicy.OFF), null, null).run(g.new Ancestral(new Shape(16)), net, owner, Stage.WHOLE));
        assertEquals(List.of(0, 1, 2, 3), steps, "no step after the one during which cancel came");
        assertEquals(4, net.calls);
        assertEquals(0, owner.getManagedArrays().size(), "a cancelled run leaves nothing behind");
    }

    @Test
    void finishEarlyReturnsTheLastPredictedClean() {
        GaussianDiffusion g = new GaussianDiffusion(0.2, 0.8, 40, 1e-3, 0.2);
        CancellationToken token = new CancellationToken();
        Capture quick = new Capture();
        StepListener l = e -> {
            if (e.step() == 4) {
                token.finishEarly();
            }
        };
        DiffusionLoop.Result r = new DiffusionLoop(context(new SeededNoise(1), l, token, PreviewPolicy.EVERY_STEP),
                null, quick).run(g.new Ancestral(new Shape(8)), g.new Denoiser(), owner, Stage.WHOLE);
        assertTrue(r.finishedEarly());
        assertEquals(5, r.stepsDone());
        assertEquals(List.of(0, 1, 2, 3, 4), quick.steps);
        org.junit.jupiter.api.Assertions.assertArrayEquals(quick.frames.get(4), r.output().toFloatArray());
        assertEquals(owner, r.output().getManager());
        assertEquals(1, owner.getManagedArrays().size());
    }

    @Test
    void previewsOffMeansRenderersAreNeverCalled() {
        GaussianDiffusion g = new GaussianDiffusion(0, 1, 12, 1e-3, 0.2);
        PreviewRenderer never = (x, i) -> {
            throw new AssertionError("renderer called with previews off");
        };
        List<StepEvent> events = new ArrayList<>();
        new DiffusionLoop(context(new SeededNoise(1), events::add, new CancellationToken(), PreviewPolicy.OFF),
                never, never).run(g.new Ancestral(new Shape(4)), g.new Denoiser(), owner, Stage.WHOLE);
        assertEquals(12, events.size());
        for (StepEvent e : events) {
            assertNull(e.preview());
            assertNull(e.quickPreview());
        }
    }

    @Test
    void fullPreviewsFollowThePolicyAndQuickPreviewsEveryStep() {
        GaussianDiffusion g = new GaussianDiffusion(0, 1, 10, 1e-3, 0.2);
        Capture full = new Capture();
        Capture quick = new Capture();
        List<StepEvent> events = new ArrayList<>();
        Stage stage = new Stage(1, 3, "tile 2/3");
        new DiffusionLoop(context(new SeededNoise(1), events::add, new CancellationToken(),
                new PreviewPolicy(true, 3, 0)), full, quick)
                .run(g.new Ancestral(new Shape(4)), g.new Denoiser(), owner, stage);
        assertEquals(List.of(2, 5, 8, 9), full.steps, "every third step and the last");
        assertEquals(10, quick.steps.size());
        for (StepEvent e : events) {
            assertEquals(full.steps.contains(e.step()), e.preview() != null, "step " + e.step());
            assertNotNull(e.quickPreview());
            assertEquals(10, e.steps());
            assertEquals(1, e.stage());
            assertEquals(3, e.stages());
            assertEquals("tile 2/3", e.stageLabel());
        }
        assertEquals(2 / 3.0, events.get(9).fraction(), 1e-12);
        assertEquals(1, owner.getManagedArrays().size());
    }

    @Test
    void memoryStaysBoundedOverManyStepsAndRuns() {
        GaussianDiffusion g = new GaussianDiffusion(0, 1, 200, 1e-4, 0.05);
        Capture quick = new Capture();
        List<Integer> openAtStepStart = new ArrayList<>();
        for (int run = 0; run < 3; run++) {
            Sampler<GaussianDiffusion.Denoiser> inner = g.new Ancestral(new Shape(32, 32));
            Sampler<GaussianDiffusion.Denoiser> counting = new Sampler<>() {
                @Override
                public int steps() {
                    return inner.steps();
                }

                @Override
                public NDArray initialState(NDManager scope, NoiseSource noise) {
                    return inner.initialState(scope, noise);
                }

                @Override
                public Step step(GaussianDiffusion.Denoiser net, int index, NDArray state, NDManager stepScope,
                                 NoiseSource noise) {
                    openAtStepStart.add(owner.getManagedArrays().size());
                    return inner.step(net, index, state, stepScope, noise);
                }
            };
            DiffusionLoop.Result r = new DiffusionLoop(context(new SeededNoise(run), StepListener.NONE,
                    new CancellationToken(), PreviewPolicy.EVERY_STEP), quick, quick)
                    .run(counting, g.new Denoiser(), owner, Stage.WHOLE);
            r.output().close();
        }
        int max = openAtStepStart.stream().mapToInt(Integer::intValue).max().orElseThrow();
        System.out.println("arrays open at the start of a step over 3 x 200 steps: "
                + openAtStepStart.stream().distinct().sorted().toList());
        // the state, plus the last predicted clean from step 1 on: a constant, never growing with the steps
        assertEquals(List.of(1, 2), openAtStepStart.stream().distinct().sorted().toList());
        assertEquals(2, max);
        assertEquals(0, owner.getManagedArrays().size());
    }

    @Test
    void samplerWhosePredictedCleanIsItsNextState() {
        // e.g. a one-step sampler (SinSR) or a final step returning x0 as both
        Sampler<Void> same = new Sampler<>() {
            @Override
            public int steps() {
                return 6;
            }

            @Override
            public NDArray initialState(NDManager scope, NoiseSource noise) {
                return scope.create(new float[] {1f, 2f});
            }

            @Override
            public Step step(Void network, int index, NDArray state, NDManager stepScope, NoiseSource noise) {
                NDArray next = state.mul(2);
                return new Step(next, next);
            }
        };
        CancellationToken token = new CancellationToken();
        StepListener l = e -> {
            if (e.step() == 3) {
                token.finishEarly();
            }
        };
        DiffusionLoop.Result r = new DiffusionLoop(context(new SeededNoise(0), l, token, PreviewPolicy.OFF),
                null, null).run(same, null, owner, Stage.WHOLE);
        assertTrue(r.finishedEarly());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {16f, 32f}, r.output().toFloatArray());
        DiffusionLoop.Result full = new DiffusionLoop(context(new SeededNoise(0), StepListener.NONE,
                new CancellationToken(), PreviewPolicy.OFF), null, null).run(same, null, owner, Stage.WHOLE);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {64f, 128f}, full.output().toFloatArray());
        assertEquals(2, owner.getManagedArrays().size());
    }

    @Test
    void elapsedCountsFromTheRunStartAcrossStages() throws InterruptedException {
        // a two-stage run (two tiles, two chunks) with one loop per stage, as ResShift and SGMSE do it: the
        // events' elapsed must not restart with the second loop, or the ETA of the second stage collapses
        int steps = 4;
        long sleepMs = 5;
        List<StepEvent> events = new ArrayList<>();
        RunContext run = context(new SeededNoise(1), events::add, new CancellationToken(), PreviewPolicy.OFF);
        new DiffusionLoop(run.withNoise(new SeededNoise(1).fork(0)), null, null)
                .run(new SlowSampler(steps, sleepMs), null, owner, new Stage(0, 2, "tile 1/2"));
        Thread.sleep(4 * sleepMs); // e.g. decoding the first tile and encoding the second, between the loops
        try (NDManager tileScope = owner.newSubManager()) {
            RunContext tile = run.withScope(tileScope).withNoise(new SeededNoise(1).fork(1));
            assertEquals(run.startNanos(), tile.startNanos(), "a derived context keeps the run's start");
            new DiffusionLoop(tile, null, null).run(new SlowSampler(steps, sleepMs), null, tileScope,
                    new Stage(1, 2, "tile 2/2"));
        }
        assertEquals(2 * steps, events.size());
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i).elapsed().compareTo(events.get(i - 1).elapsed()) >= 0,
                    "elapsed goes backwards at event " + i + ": " + events);
        }
        StepEvent lastOfFirst = events.get(steps - 1);
        StepEvent firstOfSecond = events.get(steps);
        assertEquals(1, firstOfSecond.stage());
        assertEquals(0, firstOfSecond.step());
        assertTrue(firstOfSecond.elapsed().compareTo(lastOfFirst.elapsed()) >= 0,
                firstOfSecond.elapsed() + " < " + lastOfFirst.elapsed());
        // five sleeping steps and the pause are behind it: elapsed >= 5 sleeps + 4 sleeps
        assertTrue(firstOfSecond.elapsed().toMillis() >= (steps + 1 + 4) * sleepMs, firstOfSecond.toString());
        // 5 of 8 steps done, so the linear ETA is 3/5 of elapsed: at least the 3 remaining steps' sleeps, where
        // elapsed restarting per loop (one step's sleep) would give about 0.6 of a step
        java.time.Duration eta = firstOfSecond.eta();
        assertTrue(eta.compareTo(java.time.Duration.ZERO) > 0, "work remains, yet eta is " + eta);
        assertTrue(eta.toMillis() >= (steps - 1) * sleepMs, "eta " + eta + " with 3 steps of >= " + sleepMs
                + " ms left");
        assertEquals(java.time.Duration.ZERO, events.get(events.size() - 1).eta(), "nothing left at the end");
        assertEquals(1, owner.getManagedArrays().size(), "only the first stage's result is left");
    }
}
