package dev.restora.core.nn.quant;

import ai.djl.ndarray.NDArray;

/**
 * The running minimum and maximum of the tensors one convolution sees during calibration, over every network call
 * of the calibration runs (so over all of the sampler's time steps together). Min/max calibration: the range of
 * "linear quantization" in PTQ4DM (Shang et al., CVPR 2023) and Q-Diffusion (Li et al., ICCV 2023), whose
 * calibration sets are likewise drawn from all time steps of the sampler; their refinements (MSE- or
 * reconstruction-based ranges, per-step or split shortcut scales) are not applied.
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
