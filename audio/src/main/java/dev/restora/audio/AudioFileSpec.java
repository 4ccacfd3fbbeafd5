package dev.restora.audio;

import java.nio.file.Path;
import java.util.Locale;

/**
 * How to write a clip: the container and the sample encoding. A null encoding means "as the source":
 * the clip's {@link AudioClip#sourceEncoding()}, or 16-bit PCM for a synthesised clip. FLAC holds integers of
 * 8 to 24 bits only: a float or 32-bit source goes to 24-bit FLAC.
 *
 * @param format   the container
 * @param encoding the sample encoding, or null for the source's
 */
public record AudioFileSpec(Format format, SampleEncoding encoding) {

    /** Containers that can be written. */
    public enum Format {
        WAV, FLAC
    }

    public AudioFileSpec {
        if (format == null) {
            throw new IllegalArgumentException("format required");
        }
        if (format == Format.FLAC && encoding != null && (encoding.isFloat() || encoding.bits() > 24)) {
            throw new IllegalArgumentException("FLAC stores 8- to 24-bit integer samples, not " + encoding);
        }
    }

    public static AudioFileSpec wav() {
        return new AudioFileSpec(Format.WAV, null);
    }

    public static AudioFileSpec wav(SampleEncoding encoding) {
        return new AudioFileSpec(Format.WAV, encoding);
    }

    public static AudioFileSpec flac() {
        return new AudioFileSpec(Format.FLAC, null);
    }

    public static AudioFileSpec flac(SampleEncoding encoding) {
        return new AudioFileSpec(Format.FLAC, encoding);
    }

    /** The format named by the file's extension ({@code .flac} for FLAC, anything else WAV), source encoding. */
    public static AudioFileSpec forPath(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".flac") ? flac() : wav();
    }

    /** The encoding actually written for {@code clip}. */
    public SampleEncoding resolve(AudioClip clip) {
        SampleEncoding e = encoding != null ? encoding : clip.sourceEncoding();
        if (e == null) {
            e = SampleEncoding.PCM_16;
        }
        if (format == Format.FLAC && (e.isFloat() || e.bits() > 24)) {
            e = SampleEncoding.PCM_24;
        }
        return e;
    }
}
