package dev.restora.audio;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Reads and writes audio files as {@link AudioClip}s: WAV (see {@link WavReader}) and FLAC. The format is
 * recognised from the file's content, never its name, so a FLAC named {@code .wav} still reads and a PNG named
 * {@code .wav} is reported as a PNG. Writes go to a temporary file in the target folder, moved into place
 * atomically: a failed write never leaves a partial file. Every problem is an {@link AudioFormatException} whose
 * message names the file and the problem.
 */
public final class AudioIO {
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private AudioIO() {
    }

    /** The containers {@link #read} recognises. */
    public enum Detected {
        WAV, FLAC
    }

    /** Decodes a WAV or FLAC file to float samples. */
    public static AudioClip read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Detected kind = detect(file, ch);
            return switch (kind) {
                case WAV -> WavReader.read(file, ch);
                case FLAC -> FlacCodec.read(file);
            };
        } catch (NoSuchFileException e) {
            throw new AudioFormatException(file + ": file not found", e);
        } catch (AccessDeniedException e) {
            throw new AudioFormatException(file + ": permission denied", e);
        } catch (IOException e) {
            throw new AudioFormatException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * What a file holds, from its header only (no audio is decoded): for listing and planning batches.
     *
     * @param format     the container
     * @param sampleRate samples per second
     * @param channels   channel count
     * @param frames     samples per channel (-1 when a FLAC header does not say)
     * @param encoding   the stored sample encoding (G.711 reports {@link SampleEncoding#PCM_16}, what it decodes to)
     */
    public record Info(Detected format, int sampleRate, int channels, long frames, SampleEncoding encoding) {
        public double seconds() {
            return frames < 0 ? -1 : frames / (double) sampleRate;
        }
    }

    /** Reads the header of a WAV or FLAC file; the same checks and errors as {@link #read}, without decoding. */
    public static Info probe(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Detected kind = detect(file, ch);
            if (kind == Detected.WAV) {
                WavReader.Header h = WavReader.header(file, ch);
                return new Info(kind, h.format().sampleRate(), h.format().channels(), h.frames(), h.encoding());
            }
            return FlacCodec.probe(file);
        } catch (NoSuchFileException e) {
            throw new AudioFormatException(file + ": file not found", e);
        } catch (AccessDeniedException e) {
            throw new AudioFormatException(file + ": permission denied", e);
        } catch (IOException e) {
            throw new AudioFormatException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** Recognises the container from the first bytes, or throws naming what the file is instead. */
    public static Detected detect(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return detect(file, ch);
        } catch (NoSuchFileException e) {
            throw new AudioFormatException(file + ": file not found", e);
        } catch (IOException e) {
            throw new AudioFormatException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static Detected detect(Path file, FileChannel ch) throws IOException {
        if (Files.isDirectory(file)) {
            throw new AudioFormatException(file + ": is a folder, not an audio file");
        }
        long size = ch.size();
        if (size == 0) {
            throw new AudioFormatException(file + ": the file is empty (0 bytes)");
        }
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(size, 512));
        while (b.hasRemaining() && ch.read(b, b.position()) >= 0) {
            // fill
        }
        byte[] h = new byte[b.position()];
        b.flip().get(h);
        String s4 = h.length >= 4 ? new String(h, 0, 4, StandardCharsets.ISO_8859_1) : "";
        if (s4.equals("RIFF") || s4.equals("RF64") || s4.equals("BW64") || s4.equals("RIFX")) {
            return Detected.WAV;
        }
        if (s4.equals("fLaC")) {
            return Detected.FLAC;
        }
        if (s4.startsWith("ID3") && h.length >= 10) {
            // an ID3v2 tag (some taggers put one before FLAC): look past it
            long tag = 10 + ((h[6] & 0x7FL) << 21 | (h[7] & 0x7FL) << 14 | (h[8] & 0x7FL) << 7 | (h[9] & 0x7FL))
                    + ((h[5] & 0x10) != 0 ? 10 : 0);
            ByteBuffer after = ByteBuffer.allocate(4);
            while (after.hasRemaining() && ch.read(after, tag + after.position()) > 0) {
                // fill
            }
            if (!after.hasRemaining() && new String(after.array(), StandardCharsets.ISO_8859_1).equals("fLaC")) {
                return Detected.FLAC;
            }
        }
        throw new AudioFormatException(file + ": not a WAV or FLAC file: " + describe(h, size));
    }

    /** What a non-audio (or unsupported audio) file looks like, for the error message. */
    static String describe(byte[] h, long size) {
        String s4 = h.length >= 4 ? new String(h, 0, 4, StandardCharsets.ISO_8859_1) : "";
        if (h.length >= 8 && (h[0] & 0xFF) == 0x89 && s4.startsWith("\u0089PNG")) {
            return "it is a PNG image";
        }
        if (h.length >= 3 && (h[0] & 0xFF) == 0xFF && (h[1] & 0xFF) == 0xD8 && (h[2] & 0xFF) == 0xFF) {
            return "it is a JPEG image";
        }
        if (s4.equals("GIF8")) {
            return "it is a GIF image";
        }
        if (s4.equals("OggS")) {
            return "it is an Ogg file (Vorbis/Opus audio is not supported; convert it to WAV or FLAC)";
        }
        if (s4.equals("FORM") && h.length >= 12) {
            return "it is an AIFF/IFF file (not supported; convert it to WAV or FLAC)";
        }
        if (s4.startsWith("ID3") || (h.length >= 2 && (h[0] & 0xFF) == 0xFF && (h[1] & 0xE0) == 0xE0)) {
            return "it looks like MP3 or AAC audio (not supported; convert it to WAV or FLAC)";
        }
        if (h.length >= 8 && new String(h, 4, 4, StandardCharsets.ISO_8859_1).equals("ftyp")) {
            return "it is an MP4/M4A container (not supported; convert it to WAV or FLAC)";
        }
        if (s4.equals("caff")) {
            return "it is a Core Audio (CAF) file (not supported; convert it to WAV or FLAC)";
        }
        if (s4.equals("%PDF")) {
            return "it is a PDF document";
        }
        if (s4.equals("PK\u0003\u0004")) {
            return "it is a ZIP archive";
        }
        boolean text = true;
        for (byte x : h) {
            int c = x & 0xFF;
            if (c < 0x09 || (c > 0x0D && c < 0x20) || c == 0x7F) {
                text = false;
                break;
            }
        }
        if (text) {
            return "it looks like a text file (" + size + " bytes)";
        }
        return "unknown content (" + size + " bytes, starting " + hex(h, 8) + ")";
    }

    private static String hex(byte[] h, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(n, h.length); i++) {
            sb.append(String.format("%02X", h[i] & 0xFF));
            if (i + 1 < Math.min(n, h.length)) {
                sb.append(' ');
            }
        }
        return sb.toString();
    }

    /** Writes {@code clip} in the format named by the file's extension and the source's encoding. */
    public static void write(AudioClip clip, Path file) {
        write(clip, file, AudioFileSpec.forPath(file));
    }

    /** Writes {@code clip} with {@code spec}, atomically (temporary file in the target folder, then a move). */
    public static void write(AudioClip clip, Path file, AudioFileSpec spec) {
        SampleEncoding enc = spec.resolve(clip);
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            // not Files.createTempFile: its owner-only permissions would stay on the finished file
            tmp = dir.resolve("." + file.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".part");
            if (spec.format() == AudioFileSpec.Format.FLAC) {
                Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                FlacCodec.write(clip, enc, file, tmp);
            } else {
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE), 1 << 16)) {
                    WavWriter.write(clip, enc, file, out);
                }
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (AccessDeniedException e) {
            throw new AudioFormatException(file + ": cannot write (permission denied)", e);
        } catch (IOException e) {
            throw new AudioFormatException(file + ": cannot write (" + e.getMessage() + ")", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is hidden and named .part
                }
            }
        }
    }

    /** Writes {@code clip} as 16-bit PCM WAV (samples clipped to [-1, 1]). */
    public static void writeWav16(AudioClip clip, Path file) {
        write(clip, file, AudioFileSpec.wav(SampleEncoding.PCM_16));
    }
}
