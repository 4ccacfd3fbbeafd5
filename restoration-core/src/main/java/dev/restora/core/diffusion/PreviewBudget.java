package dev.restora.core.diffusion;

/**
 * Keeps full previews within a share of the sampler's time: a preview is allowed while the time spent on previews,
 * plus the expected cost of one more, stays within {@code maxOverhead} times the time spent in sampler steps so far.
 * The expected cost is the last measured one, or before any measurement the renderer's declared cost in steps times
 * the mean step time.
 */
final class PreviewBudget {
    private final double maxOverhead;
    private final double declaredCostInSteps;
    private long stepNanos;
    private int stepCount;
    private long previewNanos;
    private long lastPreviewNanos = -1;

    PreviewBudget(double maxOverhead, double declaredCostInSteps) {
        this.maxOverhead = maxOverhead;
        this.declaredCostInSteps = declaredCostInSteps;
    }

    void addStep(long nanos) {
        stepNanos += nanos;
        stepCount++;
    }

    void addPreview(long nanos) {
        previewNanos += nanos;
        lastPreviewNanos = nanos;
    }

    boolean allows() {
        if (Double.isInfinite(maxOverhead)) {
            return true;
        }
        double expected = lastPreviewNanos >= 0 ? lastPreviewNanos
                : declaredCostInSteps * (stepCount == 0 ? 0 : stepNanos / (double) stepCount);
        return previewNanos + expected <= maxOverhead * stepNanos;
    }
}
