package dev.restora.audio;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes RIFF/WAVE: plain {@code WAVE_FORMAT_PCM} / {@code WAVE_FORMAT_IEEE_FLOAT} (with a {@code fact} chunk) up
 * to two channels, {@code WAVE_FORMAT_EXTENSIBLE} with a standard speaker mask above two. Integer samples are
 * {@code round(x * 2^(bits-1))} clipped to the integer range (no dither), so a file read and written back at its
 * own depth is bit-identical. NaN or infinite samples are refused.
 */
final class WavWriter {
    private static final long MAX_RIFF = 0xFFFFFFFFL;

    private WavWriter() {
    }

    static void write(AudioClip clip, SampleEncoding enc, Path file, OutputStream out) throws IOException {
        int nch = clip.channelCount();
        int frames = clip.frames();
        int bytes = enc.bytes();
        int blockAlign = nch * bytes;
        long dataSize = (long) frames * blockAlign;
        boolean extensible = nch > 2;
        int fmtSize = extensible ? 40 : enc.isFloat() ? 18 : 16;
        boolean fact = enc.isFloat();
        long riffSize = 4 + (8 + fmtSize) + (fact ? 12 : 0) + 8 + dataSize + (dataSize & 1);
        if (riffSize > MAX_RIFF) {
            throw new AudioFormatException(file + ": " + (dataSize >> 20) + " MiB of audio is too large for a WAV file "
                    + "(at most 4 GiB); write FLAC or a lower bit depth instead");
        }
        if ((long) clip.sampleRate() * blockAlign > MAX_RIFF || blockAlign > 0xFFFF) {
            throw new AudioFormatException(file + ": " + nch + " channels at " + clip.sampleRate() + " Hz and "
                    + enc.bits() + " bits do not fit a WAV header");
        }
        checkFinite(clip, file);
        ByteBuffer h = ByteBuffer.allocate(12 + 8 + fmtSize + (fact ? 12 : 0) + 8).order(ByteOrder.LITTLE_ENDIAN);
        h.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt((int) riffSize);
        h.put("WAVE".getBytes(StandardCharsets.US_ASCII));
        h.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(fmtSize);
        int tag = enc.isFloat() ? 3 : 1;
        h.putShort((short) (extensible ? 0xFFFE : tag));
        h.putShort((short) nch);
        h.putInt(clip.sampleRate());
        h.putInt(clip.sampleRate() * blockAlign);
        h.putShort((short) blockAlign);
        h.putShort((short) enc.bits());
        if (extensible) {
            h.putShort((short) 22);
            h.putShort((short) enc.bits());
            h.putInt(channelMask(nch));
            h.putInt(tag);
            h.put(new byte[] {0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38,
                (byte) 0x9B, 0x71});
        } else if (fmtSize == 18) {
            h.putShort((short) 0);
        }
        if (fact) {
            h.put("fact".getBytes(StandardCharsets.US_ASCII)).putInt(4).putInt(frames);
        }
        h.put("data".getBytes(StandardCharsets.US_ASCII)).putInt((int) dataSize);
        out.write(h.array(), 0, h.position());

        int framesPerBlock = Math.max(1, (1 << 20) / blockAlign);
        ByteBuffer b = ByteBuffer.allocate(framesPerBlock * blockAlign).order(ByteOrder.LITTLE_ENDIAN);
        float[][] x = clip.channels();
        for (int start = 0; start < frames; start += framesPerBlock) {
            int n = Math.min(framesPerBlock, frames - start);
            b.clear();
            for (int i = start; i < start + n; i++) {
                for (int c = 0; c < nch; c++) {
                    put(b, enc, x[c][i]);
                }
            }
            out.write(b.array(), 0, b.position());
        }
        if ((dataSize & 1) != 0) {
            out.write(0);
        }
    }

    static void checkFinite(AudioClip clip, Path file) {
        float[][] x = clip.channels();
        for (int c = 0; c < x.length; c++) {
            for (int i = 0; i < x[c].length; i++) {
                if (!Float.isFinite(x[c][i])) {
                    throw new AudioFormatException(file + ": refusing to write a NaN or infinite sample (frame " + i
                            + ", channel " + (c + 1) + ")");
                }
            }
        }
    }

    /** The integer code of sample {@code v} at {@code bits} bits: round(v * 2^(bits-1)), clipped. */
    static long quantise(float v, int bits) {
        double scale = (double) (1L << (bits - 1));
        long q = Math.round(v * scale);
        long max = (1L << (bits - 1)) - 1;
        return Math.max(-max - 1, Math.min(max, q));
    }

    private static void put(ByteBuffer b, SampleEncoding enc, float v) {
        switch (enc) {
            case PCM_U8 -> b.put((byte) (quantise(v, 8) + 128));
            case PCM_16 -> b.putShort((short) quantise(v, 16));
            case PCM_24 -> {
                int q = (int) quantise(v, 24);
                b.put((byte) q).put((byte) (q >> 8)).put((byte) (q >> 16));
            }
            case PCM_32 -> b.putInt((int) quantise(v, 32));
            case FLOAT_32 -> b.putFloat(v);
            case FLOAT_64 -> b.putDouble(v);
            default -> throw new IllegalStateException(enc.toString());
        }
    }

    /** Microsoft's default speaker masks for 1 to 8 channels; unassigned (0) beyond. */
    static int channelMask(int channels) {
        return switch (channels) {
            case 1 -> 0x4;
            case 2 -> 0x3;
            case 3 -> 0x7;
            case 4 -> 0x33;
            case 5 -> 0x37;
            case 6 -> 0x3F;
            case 7 -> 0x70F;
            case 8 -> 0x63F;
            default -> 0;
        };
    }
}
