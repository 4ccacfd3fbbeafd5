package dev.restora.audio;

import java.util.Objects;

/**
 * Decoded audio: one float array per channel, samples nominally in [-1, 1], at {@code sampleRate} Hz.
 * The arrays are owned by the clip; callers that keep a clip must not change them.
 *
 * @param channels    channel-major samples, all of the same length
 * @param sampleRate  samples per second
 * @param sourceBits  the bit depth of the file it came from (0 when synthesised), used to pick the output format
 * @param sourceFloat whether the file it came from held floating-point samples (32 or 64 bit)
 */
public record AudioClip(float[][] channels, int sampleRate, int sourceBits, boolean sourceFloat) {
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

    public AudioClip(float[][] channels, int sampleRate, int sourceBits) {
        this(channels, sampleRate, sourceBits, false);
    }

    public AudioClip(float[][] channels, int sampleRate) {
        this(channels, sampleRate, 0, false);
    }

    /** A clip with other samples (same channel count not required) but this clip's rate and source format. */
    public AudioClip withChannels(float[][] newChannels) {
        return new AudioClip(newChannels, sampleRate, sourceBits, sourceFloat);
    }

    /** The encoding of the file this clip came from, or null when synthesised. */
    public SampleEncoding sourceEncoding() {
        return SampleEncoding.of(sourceBits, sourceFloat);
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
