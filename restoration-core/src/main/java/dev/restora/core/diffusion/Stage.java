package dev.restora.core.diffusion;

/** Which part of a run a diffusion loop covers: a tile of an image, a chunk or channel of a recording. */
public record Stage(int index, int count, String label) {
    public static final Stage WHOLE = new Stage(0, 1, "");

    public Stage {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("stage " + index + " of " + count);
        }
    }
}
