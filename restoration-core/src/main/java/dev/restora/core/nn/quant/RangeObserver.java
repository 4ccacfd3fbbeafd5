package dev.restora.core.nn.quant;

import ai.djl.ndarray.NDArray;

/**
 * The running minimum and maximum of the tensors one convolution sees during calibration, over every network call
 * of the calibration runs, so over all of the sampler's time steps together (one range per tensor, not per step).
 * This is min/max calibration, not percentile: the plain linear post-training quantization that PTQ4DM (Shang et
 * al., CVPR 2023) and Q-Diffusion (Li et al., ICCV 2023) start from, with calibration data taken from all time steps
 * as both argue for (Q-Diffusion: uniformly over the steps). Their refinements are not applied: PTQ4DM's
 * normally-distributed time-step sampling of the calibration set, Q-Diffusion's reconstruction-based rounding
 * (BRECQ/AdaRound) and split quantization of the UNet's shortcut concatenations.
 */
public final class RangeObserver {
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private long updates;

    /** Widens the range to cover {@code x}. */
    public synchronized void observe(NDArray x) {
        min = Math.min(min, x.min().getFloat());
        max = Math.max(max, x.max().getFloat());
        updates++;
    }

    public synchronized void observe(double lo, double hi) {
        min = Math.min(min, lo);
        max = Math.max(max, hi);
        updates++;
    }

    public synchronized double min() {
        return min;
    }

    public synchronized double max() {
        return max;
    }

    public synchronized long updates() {
        return updates;
    }

    /** The 8-bit parameters covering the observed range. */
    public synchronized ActivationQuant quant() {
        return updates == 0 ? new ActivationQuant(1.0, 0) : ActivationQuant.ofRange(min, max);
    }
}
