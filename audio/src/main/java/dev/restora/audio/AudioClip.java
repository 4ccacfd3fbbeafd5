package dev.restora.audio;

import java.util.Objects;

/**
 * Decoded audio: one float array per channel, samples nominally in [-1, 1], at {@code sampleRate} Hz.
 * The arrays are owned by the clip; callers that keep a clip must not change them.
 *
 * @param channels   channel-major samples, all of the same length
 * @param sampleRate samples per second
 * @param sourceBits the bit depth of the file it came from (0 when synthesised), used to pick the output format
 */
public record AudioClip(float[][] channels, int sampleRate, int sourceBits) {
    public AudioClip {
        Objects.requireNonNull(channels, "channels");
        if (channels.length == 0) {
            throw new IllegalArgumentException("an audio clip needs at least one channel");
        }
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive: " + sampleRate);
        }
        int n = channels[0].length;
        for (float[] c : channels) {
            if (c.length != n) {
                throw new IllegalArgumentException("channels differ in length");
            }
        }
    }

    public AudioClip(float[][] channels, int sampleRate) {
        this(channels, sampleRate, 0);
    }

    public int channelCount() {
        return channels.length;
    }

    public int frames() {
        return channels[0].length;
    }

    public double seconds() {
        return frames() / (double) sampleRate;
    }
}
