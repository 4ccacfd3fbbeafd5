package dev.restora.audio.archviolation;

/** Test fixture: an audio class that depends on the core. */
public final class AudioUsesCore {
    private AudioUsesCore() {
    }

    static Object core() {
        return new dev.restora.core.RestoraException("x");
    }
}
