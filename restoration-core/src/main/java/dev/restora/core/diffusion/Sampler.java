package dev.restora.core.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The update rule of a reverse diffusion, without weights: the time grid and one step. A sampler instance
 * belongs to one run (it holds that run's conditioning); the network is passed in, so one network serves many
 * runs. A step may call the network more than once (predictor and corrector).
 *
 * <p>Memory contract: {@link #step} gets a fresh {@code stepScope} that owns {@code state} and is closed after the
 * step, and runs inside an {@link ai.djl.ndarray.NDScope}: every array created during the step is closed at its
 * end, whatever manager it joined (so operand order does not matter), except {@link Step#next()} and
 * {@link Step#predictedClean()}, which the loop moves out. Nothing created in a step may be kept in a field for a
 * later step.
 *
 * @param <D> the network type the sampler calls
 */
public interface Sampler<D> {

    /** Number of steps the loop runs. */
    int steps();

    /** The starting state (for example the prior sample x_T), owned by {@code scope}. */
    NDArray initialState(NDManager scope, NoiseSource noise);

    /** Step {@code index} (0-based, in the order run) from {@code state}. */
    Step step(D network, int index, NDArray state, NDManager stepScope, NoiseSource noise);

    /** What the run returns after its last step; by default the last state. */
    default NDArray finalOutput(Step last) {
        return last.next();
    }

    /**
     * The result of one step.
     *
     * @param next           the new state
     * @param predictedClean the step's estimate of the clean signal (x̂0), what previews and finish-early show
     */
    record Step(NDArray next, NDArray predictedClean) {
    }
}
