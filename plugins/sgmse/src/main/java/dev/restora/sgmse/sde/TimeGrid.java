package dev.restora.sgmse.sde;

/** {@code torch.linspace(start, end, steps)} in float32, with torch's two-sided evaluation (exact float steps). */
public final class TimeGrid {
    private TimeGrid() {
    }

    public static float[] linspace(float start, float end, int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        float[] out = new float[steps];
        if (steps == 1) {
            out[0] = start;
            return out;
        }
        float step = (end - start) / (float) (steps - 1);
        int halfway = steps / 2;
        for (int i = 0; i < steps; i++) {
            out[i] = i < halfway ? start + step * i : end - step * (steps - i - 1);
        }
        return out;
    }
}
