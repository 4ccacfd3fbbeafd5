package dev.restora.sgmse.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.TreeSet;

/**
 * Encoder propagation of Faster Diffusion (Li et al. 2023, "Faster Diffusion: Rethinking the Role of UNet Encoder in
 * Diffusion Models"): the U-Net's encoder features change little between neighbouring steps, so the encoder runs at
 * key steps only and its skip features are reused by the decoder at the other steps. Approximate: the output moves
 * away from the exact sampler's (measured by the benchmarks). One instance per run; a step is the set of network
 * calls at one diffusion time (a PC step's corrector and predictor calls share it).
 */
public final class EncoderPropagation implements AutoCloseable {
    /**
     * The paper's key steps for 50 DDIM steps ({50, 49, 48, 47, 45, 40, 35, 25, 15} counting down: dense early,
     * sparse late), as step indices 0, 1, 2, 3, 5, 10, 15, 25, 35 of 50, scaled to other step counts.
     */
    private static final int[] PAPER_OF_50 = {0, 1, 2, 3, 5, 10, 15, 25, 35};

    private final Set<Integer> keySteps;
    private final NDManager owner;
    private NDManager store;
    private Deque<NDArray> features;
    private int step = -1;
    private float lastT = Float.NaN;
    private boolean key;
    private int encoderRuns;
    private int calls;

    /**
     * @param keySteps step indices (0-based) where the encoder runs; step 0 always does
     * @param owner    a manager living as long as the run: the kept features are held in a child of it
     */
    public EncoderPropagation(Set<Integer> keySteps, NDManager owner) {
        this.keySteps = Set.copyOf(keySteps);
        this.owner = owner;
    }

    /**
     * Key steps for {@code n} steps: "paper" (the paper's schedule scaled from 50 steps) or "every-K" (every K-th
     * step). Step 0 is always a key step.
     */
    public static Set<Integer> schedule(String name, int n) {
        Set<Integer> k = new TreeSet<>();
        k.add(0);
        if (name.equals("paper")) {
            for (int s : PAPER_OF_50) {
                k.add((int) Math.round(s * n / 50.0));
            }
        } else if (name.startsWith("every-")) {
            int every = Integer.parseInt(name.substring("every-".length()));
            if (every < 1) {
                throw new IllegalArgumentException("key step interval must be at least 1: " + name);
            }
            for (int s = 0; s < n; s += every) {
                k.add(s);
            }
        } else {
            throw new IllegalArgumentException("unknown key-step schedule '" + name + "' (paper, every-K)");
        }
        k.removeIf(s -> s >= Math.max(1, n));
        return k;
    }

    /** Called before each network call with its diffusion time: a new time starts the next step. */
    public void beforeCall(float t) {
        calls++;
        if (t != lastT) {
            step++;
            lastT = t;
            key = keySteps.contains(step);
        }
    }

    /** Whether this call runs the encoder (at a key step, or when nothing is kept yet). */
    boolean computeEncoder() {
        return key || features == null;
    }

    /** Keeps this call's encoder features for the following steps (replacing older ones) and returns them. */
    Deque<NDArray> keep(Deque<NDArray> hs) {
        encoderRuns++;
        if (store != null) {
            store.close();
        }
        store = owner.newSubManager();
        for (NDArray a : hs) {
            a.attach(store);
            // kept across sampler steps: out of the step's NDScope (DiffusionLoop), which would close it at the step's end
            NDScope.unregister(a);
        }
        features = new ArrayDeque<>(hs);
        return features;
    }

    Deque<NDArray> features() {
        return features;
    }

    /** Network calls so far and how many of them ran the encoder. */
    public int calls() {
        return calls;
    }

    public int encoderRuns() {
        return encoderRuns;
    }

    @Override
    public void close() {
        if (store != null) {
            store.close();
            store = null;
        }
        features = null;
    }
}
