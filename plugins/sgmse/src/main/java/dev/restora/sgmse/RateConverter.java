package dev.restora.sgmse;

/**
 * Sample-rate conversion of one channel with zero group delay, so that converting to the model rate and back
 * keeps every feature where it was. The output of {@code n} samples has {@code round(n * to / from)} samples.
 */
@FunctionalInterface
public interface RateConverter {
    float[] convert(float[] signal, int fromRate, int toRate);
}
