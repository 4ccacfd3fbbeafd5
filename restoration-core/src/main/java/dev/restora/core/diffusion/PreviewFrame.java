package dev.restora.core.diffusion;

/**
 * A preview already copied out of native memory, safe to hand to any thread.
 */
public sealed interface PreviewFrame permits PreviewFrame.Image, PreviewFrame.Spectrogram {

    /** What the preview shows, such as "predicted clean" or "latent". */
    String label();

    /**
     * An RGB picture.
     *
     * @param argb packed 0xAARRGGBB pixels, row-major
     */
    record Image(String label, int width, int height, int[] argb) implements PreviewFrame {
    }

    /**
     * A magnitude spectrogram in dB.
     *
     * @param db      frequency-major values: {@code db[bin * frames + frame]}, bin 0 the lowest
     * @param audio   the predicted clean audio when it was asked for, else null
     */
    record Spectrogram(String label, int bins, int frames, float[] db, float[] audio, int sampleRate)
            implements PreviewFrame {
    }
}
