package dev.restora.core.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * Encoder propagation of Faster Diffusion (Li et al., NeurIPS 2024, arXiv 2312.09608): the U-Net's encoder features
 * change little between neighbouring steps, so the encoder runs at key steps only ({@link KeySteps}) and the decoder
 * reuses the last key step's features at the others. Approximate: the output moves away from the exact sampler's.
 *
 * <p>One instance per sampler run (per image, tile or chunk), closed when the run ends. A step is the set of
 * network calls at one diffusion time ({@link #beforeCall}; a predictor-corrector step's calls share it). The kept
 * features live in a child of the owner manager, outside every step's {@link NDScope} (the
 * {@link DiffusionLoop} closes what a step made when the step ends), until the next key step replaces them or
 * {@link #close} frees them.
 */
public class EncoderPropagation implements AutoCloseable {
    private final Set<Integer> keySteps;
    private final NDManager owner;
    private NDManager store;
    private Deque<NDArray> features;
    private int step = -1;
    private double lastTime = Double.NaN;
    private boolean key;
    private int encoderRuns;
    private int calls;

    /**
     * @param keySteps step indices (0-based) where the encoder runs; the first step always does
     * @param owner    a manager living as long as the run: the kept features are held in a child of it
     */
    public EncoderPropagation(Set<Integer> keySteps, NDManager owner) {
        this.keySteps = Set.copyOf(keySteps);
        this.owner = owner;
    }

    /** Called before each network call with its diffusion time: a new time starts the next step. */
    public void beforeCall(double time) {
        calls++;
        if (time != lastTime) {
            step++;
            lastTime = time;
            key = keySteps.contains(step);
        }
    }

    /** Whether this call runs the encoder (at a key step, or when nothing is kept yet). */
    public boolean computeEncoder() {
        return key || features == null;
    }

    /**
     * Keeps this call's encoder features for the following steps (replacing older ones) and returns them; they
     * leave the step's scope for this object's own manager, so the caller must not close them.
     */
    public Deque<NDArray> keep(Deque<NDArray> hs) {
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

    /** The features of the last key step (do not close them). */
    public Deque<NDArray> features() {
        return features;
    }

    /** Network calls so far. */
    public int calls() {
        return calls;
    }

    /** How many of the calls ran the encoder. */
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
