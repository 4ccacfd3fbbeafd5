package dev.restora.core.restore;

import dev.restora.audio.AudioClip;
import dev.restora.audio.AudioFileSpec;
import dev.restora.audio.AudioFormatException;
import dev.restora.audio.AudioIO;
import dev.restora.audio.SampleEncoding;
import dev.restora.core.RestoraException;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.image.ImageCodec;
import dev.restora.core.pipeline.Media;
import dev.restora.core.pipeline.Modality;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Which kind of media a file holds (by its first bytes, else by its extension), reading it as a {@link Media} and
 * writing a result in the input's format.
 */
public final class MediaFiles {
    private static final Set<String> IMAGE_EXT = Set.of("png", "jpg", "jpeg", "tif", "tiff", "webp", "bmp", "gif");
    private static final Set<String> AUDIO_EXT = Set.of("wav", "wave", "flac");
    private static final Set<String> IMAGE_WRITABLE = Set.of("png", "jpg", "jpeg", "tif", "tiff");

    private MediaFiles() {
    }

    /**
     * How a source was stored, so the output can be written the same way.
     *
     * @param audioEncoding the sample encoding of an audio source (null for images or synthesised audio)
     */
    public record SourceFormat(Modality kind, String extension, SampleEncoding audioEncoding) {
    }

    /**
     * The kind of media in {@code file}, from its signature bytes or else its extension.
     *
     * @throws RestoreFailedException (INPUT) when the file is missing, unreadable, or neither an image nor a WAV
     */
    public static Modality detect(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new RestoreFailedException(RestoreFailedException.Reason.INPUT, file + ": no such file");
        }
        byte[] head = new byte[16];
        int n = 0;
        try (InputStream in = Files.newInputStream(file)) {
            int r;
            while (n < head.length && (r = in.read(head, n, head.length - n)) > 0) {
                n += r;
            }
        } catch (IOException e) {
            throw new RestoreFailedException(RestoreFailedException.Reason.INPUT, file + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (n == 0) {
            throw new RestoreFailedException(RestoreFailedException.Reason.INPUT, file + ": the file is empty");
        }
        Modality bySignature = bySignature(head, n);
        if (bySignature != null) {
            return bySignature;
        }
        Modality byExt = kindByExtension(extension(file));
        if (byExt != null) {
            return byExt;
        }
        throw new RestoreFailedException(RestoreFailedException.Reason.INPUT, file
                + ": neither an image (PNG, JPEG, TIFF, WebP, BMP) nor an audio file (WAV, FLAC)");
    }

    private static Modality bySignature(byte[] h, int n) {
        if (n >= 8 && (h[0] & 0xff) == 0x89 && h[1] == 'P' && h[2] == 'N' && h[3] == 'G') {
            return Modality.IMAGE;
        }
        if (n >= 3 && (h[0] & 0xff) == 0xFF && (h[1] & 0xff) == 0xD8 && (h[2] & 0xff) == 0xFF) {
            return Modality.IMAGE;
        }
        if (n >= 4 && ((h[0] == 'I' && h[1] == 'I' && h[2] == 42 && h[3] == 0)
                || (h[0] == 'M' && h[1] == 'M' && h[2] == 0 && h[3] == 42))) {
            return Modality.IMAGE;
        }
        if (n >= 6 && h[0] == 'G' && h[1] == 'I' && h[2] == 'F' && h[3] == '8') {
            return Modality.IMAGE;
        }
        if (n >= 12 && h[0] == 'R' && h[1] == 'I' && h[2] == 'F' && h[3] == 'F') {
            String form = new String(h, 8, 4, java.nio.charset.StandardCharsets.US_ASCII);
            if (form.equals("WAVE")) {
                return Modality.SPEECH;
            }
            if (form.equals("WEBP")) {
                return Modality.IMAGE;
            }
        }
        if (n >= 4 && h[0] == 'f' && h[1] == 'L' && h[2] == 'a' && h[3] == 'C') {
            return Modality.SPEECH;
        }
        return null;
    }

    /** The kind a file extension (lower case, no dot) suggests, or null. */
    public static Modality kindByExtension(String ext) {
        if (IMAGE_EXT.contains(ext)) {
            return Modality.IMAGE;
        }
        if (AUDIO_EXT.contains(ext)) {
            return Modality.SPEECH;
        }
        return null;
    }

    /**
     * The extension (lower case) an output of this input gets: the input's where it can be written back (PNG, JPEG,
     * TIFF, WAV, FLAC), else png for images and wav for audio. The one rule {@code restore} and {@code batch} share.
     */
    public static String outputExtension(String inputFileName) {
        int dot = inputFileName.lastIndexOf('.');
        String ext = dot > 0 ? inputFileName.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
        if (kindByExtension(ext) == Modality.SPEECH) {
            return ext.equals("flac") ? "flac" : "wav";
        }
        return IMAGE_WRITABLE.contains(ext) ? ext : "png";
    }

    /** Whether a folder walk picks up this file: its extension is a known image or audio one. */
    public static boolean hasMediaExtension(Path file) {
        return kindByExtension(extension(file)) != null;
    }

    static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** Reads {@code file} as an image or a recording, with how it was stored. */
    public static Loaded read(Path file) {
        Modality kind = detect(file);
        try {
            if (kind == Modality.IMAGE) {
                ImageBuffer img = ImageCodec.read(file);
                return new Loaded(Media.of(img), new SourceFormat(kind, extension(file), null));
            }
            AudioClip clip = AudioIO.read(file);
            return new Loaded(Media.of(clip), new SourceFormat(kind, extension(file), clip.sourceEncoding()));
        } catch (RestoraException | AudioFormatException e) {
            throw new RestoreFailedException(RestoreFailedException.Reason.INPUT, named(file, e.getMessage()), e);
        } catch (RuntimeException e) {
            throw new RestoreFailedException(RestoreFailedException.Reason.INPUT, file + ": cannot read (" + e + ")", e);
        }
    }

    /** A decoded input and how it was stored. */
    public record Loaded(Media media, SourceFormat format) {
    }

    /** Writes {@code media} to {@code out} atomically, in the source's format where possible. */
    public static void write(Media media, SourceFormat source, Path out) {
        try {
            if (media instanceof Media.Image img) {
                ImageCodec.write(img.image(), out);
            } else if (media instanceof Media.Audio audio) {
                SampleEncoding enc = source != null && source.audioEncoding() != null ? source.audioEncoding()
                        : audio.clip().sourceEncoding();
                AudioFileSpec spec = AudioFileSpec.forPath(out);
                if (enc != null && spec.format() == AudioFileSpec.Format.FLAC && (enc.isFloat() || enc.bits() > 24)) {
                    enc = SampleEncoding.PCM_24;
                }
                AudioIO.write(audio.clip(), out, new AudioFileSpec(spec.format(), enc));
            }
        } catch (RestoraException | AudioFormatException e) {
            throw new RestoreFailedException(RestoreFailedException.Reason.OUTPUT, named(out, e.getMessage()), e);
        } catch (RuntimeException e) {
            throw new RestoreFailedException(RestoreFailedException.Reason.OUTPUT, out + ": cannot write (" + e.getMessage() + ")", e);
        }
    }

    /** The message, prefixed with the file when it does not name it already. */
    static String named(Path file, String message) {
        String m = message == null ? "failed" : message;
        if (m.contains(file.toString()) || m.contains(file.getFileName().toString())) {
            return m;
        }
        return file + ": " + m;
    }
}
