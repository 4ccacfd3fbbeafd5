package dev.restora.core.diffusion;

/**
 * When to render a full preview: every {@code everySteps} steps, but no more often than every
 * {@code minIntervalMillis}, and always at the last step. A decoded preview (a VAE decode) is costly, so this
 * throttles it; {@code maxOverhead} also caps the time full previews may add to a run, as a fraction of the
 * sampler's own time (the design's "previews must not slow a run by more than 10 %"): {@link DiffusionLoop} skips a
 * full preview whose expected cost would take the run over that budget (the last step excepted).
 */
public record PreviewPolicy(boolean enabled, int everySteps, long minIntervalMillis, double maxOverhead) {
    /** No budget: render whenever the step and interval rules say so. */
    public static final double UNLIMITED = Double.POSITIVE_INFINITY;
    /** The design's budget: full previews add at most 10 % to a run. */
    public static final double DEFAULT_OVERHEAD = 0.10;

    public static final PreviewPolicy OFF = new PreviewPolicy(false, 1, 0, UNLIMITED);
    /** Every step, whatever it costs (for inspecting a sampler, and tests). */
    public static final PreviewPolicy EVERY_STEP = new PreviewPolicy(true, 1, 0, UNLIMITED);
    /** The default: each step, at most four per second, adding at most 10 % to the run. */
    public static final PreviewPolicy DEFAULT = new PreviewPolicy(true, 1, 250, DEFAULT_OVERHEAD);

    public PreviewPolicy {
        if (everySteps < 1 || minIntervalMillis < 0 || !(maxOverhead >= 0)) {
            throw new IllegalArgumentException("everySteps >= 1, minIntervalMillis >= 0 and maxOverhead >= 0 required");
        }
    }

    /** A policy without a time budget. */
    public PreviewPolicy(boolean enabled, int everySteps, long minIntervalMillis) {
        this(enabled, everySteps, minIntervalMillis, UNLIMITED);
    }

    /** A stateful gate for one run. */
    public Gate gate() {
        return new Gate();
    }

    public final class Gate {
        private long lastNanos = Long.MIN_VALUE;

        /** Whether step {@code step} (0-based) of {@code steps} should render, at time {@code nowNanos}. */
        public boolean shouldRender(int step, int steps, long nowNanos) {
            if (!enabled) {
                return false;
            }
            boolean last = step == steps - 1;
            boolean due = (step + 1) % everySteps == 0
                    && (lastNanos == Long.MIN_VALUE || nowNanos - lastNanos >= minIntervalMillis * 1_000_000L);
            if (last || due) {
                lastNanos = nowNanos;
                return true;
            }
            return false;
        }
    }
}
