package dev.restora.sgmse;

import dev.restora.core.RestoraException;

/** The rate converter the providers use. */
public final class RateConverters {
    private RateConverters() {
    }

    /** The studio's resampler. */
    public static RateConverter standard() {
        return (x, from, to) -> {
            throw new RestoraException("cannot convert " + from + " Hz to the model's " + to + " Hz: no resampler "
                    + "is available in this build; convert the recording to " + to + " Hz first");
        };
    }
}
