package dev.restora.core.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A test sampler that sleeps at least {@code sleepMillis} every step (Thread.sleep never wakes early) and halves a
 * scalar state; predicted clean = 2 x the new state. An interrupt ends the sleep and is kept on the thread.
 */
public final class SlowSampler implements Sampler<Void> {
    private final int steps;
    private final long sleepMillis;

    public SlowSampler(int steps, long sleepMillis) {
        this.steps = steps;
        this.sleepMillis = sleepMillis;
    }

    @Override
    public int steps() {
        return steps;
    }

    @Override
    public NDArray initialState(NDManager scope, NoiseSource noise) {
        return scope.create(new float[] {1f});
    }

    @Override
    public Step step(Void network, int index, NDArray state, NDManager stepScope, NoiseSource noise) {
        try {
            Thread.sleep(sleepMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        NDArray next = state.mul(0.5);
        return new Step(next, next.mul(2));
    }
}
