package dev.restora.sgmse;

import dev.restora.audio.Resampler;

/** The rate converter the providers use. */
public final class RateConverters {
    private RateConverters() {
    }

    /**
     * The studio's polyphase windowed-sinc resampler ({@link Resampler}: zero group delay, 120 dB stopband), so a
     * round trip to the model's rate and back keeps every sample in place.
     */
    public static RateConverter standard() {
        return (x, from, to) -> new Resampler(from, to).process(x);
    }
}
