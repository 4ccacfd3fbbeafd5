package dev.restora.core.tiling;

/** How overlapping tile outputs are combined. */
public enum Blend {
    /**
     * Raised-cosine weights that fall towards each edge shared with a neighbour over the overlap, so tile
     * disagreements fade in instead of stepping (our default).
     */
    SMOOTH,
    /** The official plain average (box weights: sum / count), to reproduce the reference's chopped output. */
    AVERAGE;

    /**
     * Per-pixel weights along one axis of a tile of {@code length} output pixels: 1 inside; with SMOOTH, a
     * raised-cosine ramp 0.5 - 0.5 cos(pi (i + 0.5) / ramp) over the first / last {@code ramp} pixels where the
     * tile meets a neighbour. Always positive, so every covered pixel has weight.
     */
    public float[] weights(int length, boolean rampStart, boolean rampEnd, int ramp) {
        float[] w = new float[length];
        java.util.Arrays.fill(w, 1f);
        if (this == AVERAGE) {
            return w;
        }
        int r = Math.min(ramp, length / 2);
        for (int i = 0; i < r; i++) {
            float v = (float) (0.5 - 0.5 * Math.cos(Math.PI * (i + 0.5) / r));
            if (rampStart) {
                w[i] = Math.min(w[i], v);
            }
            if (rampEnd) {
                w[length - 1 - i] = Math.min(w[length - 1 - i], v);
            }
        }
        return w;
    }
}
