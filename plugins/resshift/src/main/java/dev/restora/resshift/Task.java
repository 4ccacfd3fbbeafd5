package dev.restora.resshift;

/** What a released ResShift model restores. */
public enum Task {
    /** x4 super-resolution (real-world or bicubic degradations); the LQ is bicubic-upsampled before encoding. */
    SUPER_RESOLUTION,
    /** Inpainting with a mask (+1 = hole); output blended back with the input outside the hole. */
    INPAINTING,
    /** Blind face restoration at the same size (f8 face autoencoder). */
    FACE_RESTORATION
}
