package dev.restora.core.restore;

import dev.restora.audio.AudioClip;
import dev.restora.core.RestoraException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a clip as a WAV file keeping the source's sample format (8/16/24/32-bit integer PCM or 32-bit float), to a
 * temporary file in the target folder moved into place atomically. Samples are clipped to [-1, 1].
 */
final class WavWriter {
    private WavWriter() {
    }

    /** Whether a WAV file's format tag says IEEE float (3, or 3 inside WAVE_FORMAT_EXTENSIBLE). */
    static boolean isFloatWav(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(12);
            if (head.length < 12 || head[0] != 'R' || head[8] != 'W') {
                return false;
            }
            byte[] hdr = new byte[8];
            while (in.readNBytes(hdr, 0, 8) == 8) {
                ByteBuffer b = ByteBuffer.wrap(hdr).order(ByteOrder.LITTLE_ENDIAN);
                String id = new String(hdr, 0, 4, java.nio.charset.StandardCharsets.US_ASCII);
                long size = b.getInt(4) & 0xffffffffL;
                if (id.equals("fmt ")) {
                    byte[] fmt = in.readNBytes((int) Math.min(size, 64));
                    ByteBuffer f = ByteBuffer.wrap(fmt).order(ByteOrder.LITTLE_ENDIAN);
                    int tag = f.getShort(0) & 0xffff;
                    if (tag == 0xFFFE && fmt.length >= 26) {
                        tag = f.getShort(24) & 0xffff;
                    }
                    return tag == 3;
                }
                in.skipNBytes(size + (size & 1));
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    static void write(AudioClip clip, int bits, boolean isFloat, Path file) {
        if (isFloat) {
            bits = 32;
        } else if (bits != 8 && bits != 16 && bits != 24 && bits != 32) {
            bits = bits > 24 ? 32 : bits > 16 ? 24 : 16;
        }
        int ch = clip.channelCount();
        int frames = clip.frames();
        int bytesPerSample = bits / 8;
        long dataLen = (long) frames * ch * bytesPerSample;
        if (dataLen > 0xFFFFFFFFL - 44) {
            throw new RestoraException(file + ": too long for a WAV file");
        }
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".part");
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
                h.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) (36 + dataLen))
                        .put("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                        .put("fmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16)
                        .putShort((short) (isFloat ? 3 : 1)).putShort((short) ch).putInt(clip.sampleRate())
                        .putInt(clip.sampleRate() * ch * bytesPerSample).putShort((short) (ch * bytesPerSample))
                        .putShort((short) bits).put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                        .putInt((int) dataLen);
                out.write(h.array());
                ByteBuffer buf = ByteBuffer.allocate(4096 * ch * bytesPerSample).order(ByteOrder.LITTLE_ENDIAN);
                float[][] c = clip.channels();
                for (int i = 0; i < frames; i++) {
                    for (int k = 0; k < ch; k++) {
                        float v = c[k][i];
                        v = Float.isNaN(v) ? 0f : Math.max(-1f, Math.min(1f, v));
                        if (isFloat) {
                            buf.putFloat(v);
                        } else if (bits == 8) {
                            buf.put((byte) (Math.round(v * 127f) + 128));
                        } else if (bits == 16) {
                            buf.putShort((short) Math.round(v * 32767f));
                        } else if (bits == 24) {
                            int s = Math.round(v * 8388607f);
                            buf.put((byte) s).put((byte) (s >> 8)).put((byte) (s >> 16));
                        } else {
                            buf.putInt((int) Math.max(Integer.MIN_VALUE + 1L, Math.min(Integer.MAX_VALUE,
                                    Math.round(v * 2147483647.0))));
                        }
                    }
                    if (!buf.hasRemaining() || buf.remaining() < ch * bytesPerSample) {
                        out.write(buf.array(), 0, buf.position());
                        buf.clear();
                    }
                }
                out.write(buf.array(), 0, buf.position());
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new RestoraException(file + ": cannot write (" + e.getMessage() + ")", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }
}
