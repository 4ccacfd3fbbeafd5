package dev.restora.audio;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * Reads and writes audio files as {@link AudioClip}s. Writes go to a temporary file moved into place atomically.
 * Errors are {@link AudioFormatException}s naming the file and the problem.
 */
public final class AudioIO {
    private AudioIO() {
    }

    /** Decodes a WAV file to float samples. */
    public static AudioClip read(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file));
             AudioInputStream in = AudioSystem.getAudioInputStream(raw)) {
            AudioFormat src = in.getFormat();
            AudioFormat f32 = new AudioFormat(AudioFormat.Encoding.PCM_FLOAT, src.getSampleRate(), 32,
                    src.getChannels(), 4 * src.getChannels(), src.getSampleRate(), false);
            try (AudioInputStream conv = AudioSystem.getAudioInputStream(f32, in)) {
                byte[] bytes = conv.readAllBytes();
                int ch = src.getChannels();
                int frames = bytes.length / (4 * ch);
                float[][] out = new float[ch][frames];
                java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < frames; i++) {
                    for (int c = 0; c < ch; c++) {
                        out[c][i] = bb.getFloat();
                    }
                }
                return new AudioClip(out, Math.round(src.getSampleRate()), src.getSampleSizeInBits());
            }
        } catch (UnsupportedAudioFileException | IllegalArgumentException e) {
            throw new AudioFormatException(file + ": not a supported audio file (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new AudioFormatException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** Writes {@code clip} as 16-bit PCM WAV (samples clipped to [-1, 1]). */
    public static void writeWav16(AudioClip clip, Path file) {
        int ch = clip.channelCount();
        int frames = clip.frames();
        byte[] bytes = new byte[frames * ch * 2];
        int k = 0;
        for (int i = 0; i < frames; i++) {
            for (int c = 0; c < ch; c++) {
                float v = Math.max(-1f, Math.min(1f, clip.channels()[c][i]));
                int s = Math.round(v * 32767f);
                bytes[k++] = (byte) s;
                bytes[k++] = (byte) (s >> 8);
            }
        }
        AudioFormat fmt = new AudioFormat(clip.sampleRate(), 16, ch, true, false);
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".part");
            try (AudioInputStream ais = new AudioInputStream(new ByteArrayInputStream(bytes), fmt, frames)) {
                AudioSystem.write(ais, AudioFileFormat.Type.WAVE, tmp.toFile());
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write", e);
        }
    }
}
