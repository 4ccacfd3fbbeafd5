package dev.restora.core.diffusion;

/**
 * When to render a preview: every {@code everySteps} steps, but no more often than every {@code minIntervalMillis},
 * and always at the last step. A decoded preview (a VAE decode) is costly, so this throttles it.
 */
public record PreviewPolicy(boolean enabled, int everySteps, long minIntervalMillis) {
    public static final PreviewPolicy OFF = new PreviewPolicy(false, 1, 0);
    public static final PreviewPolicy EVERY_STEP = new PreviewPolicy(true, 1, 0);
    /** The studio's default: each step, at most four per second. */
    public static final PreviewPolicy DEFAULT = new PreviewPolicy(true, 1, 250);

    public PreviewPolicy {
        if (everySteps < 1 || minIntervalMillis < 0) {
            throw new IllegalArgumentException("everySteps >= 1 and minIntervalMillis >= 0 required");
        }
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
