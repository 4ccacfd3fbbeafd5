package dev.restora.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * A hand-written RIFF/WAVE reader (Microsoft "Multimedia Programming Interface and Data Specifications 1.0",
 * 1991; "WAVEFORMATEXTENSIBLE", Microsoft 2017; EBU Tech 3306 for RF64).
 *
 * <p>Reads integer PCM of 1 to 32 bits in 8-, 16-, 24- and 32-bit containers, IEEE float of 32 and 64 bits,
 * A-law and mu-law (ITU-T G.711), plain or in {@code WAVE_FORMAT_EXTENSIBLE}, any channel count and sample rate,
 * skipping chunks it does not need. Sizes in the header are checked against the file's real size before anything
 * is allocated. Integer samples map to [-1, 1) by dividing by 2^(bits-1), so writing back at the same depth
 * gives the same bits. Float files with NaN or infinite samples are <b>rejected</b> (a restoration must not
 * silently invent samples): the message gives the count and the first position.
 */
final class WavReader {
    private static final int TAG_PCM = 0x0001;
    private static final int TAG_FLOAT = 0x0003;
    private static final int TAG_ALAW = 0x0006;
    private static final int TAG_MULAW = 0x0007;
    private static final int TAG_EXTENSIBLE = 0xFFFE;
    private static final long UNKNOWN_SIZE = 0xFFFFFFFFL;
    private static final int MAX_RATE = 2_000_000;
    /** The 12 bytes after the tag in the KSDATAFORMAT_SUBTYPE_* GUIDs: 0000-0010-8000-00AA00389B71. */
    private static final byte[] GUID_TAIL = {0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA,
        0x00, 0x38, (byte) 0x9B, 0x71};
    /** AMBISONIC_B_FORMAT sub-formats: {tag}-0721-11d3-8644-C8C1CA000000. */
    private static final byte[] GUID_AMBISONIC_TAIL = {0x21, 0x07, (byte) 0xD3, 0x11, (byte) 0x86, 0x44,
        (byte) 0xC8, (byte) 0xC1, (byte) 0xCA, 0x00, 0x00, 0x00};

    private static final Map<Integer, String> KNOWN_TAGS = Map.ofEntries(
            Map.entry(0x0002, "Microsoft ADPCM"), Map.entry(0x0011, "IMA ADPCM"), Map.entry(0x0031, "GSM 6.10"),
            Map.entry(0x0040, "G.721 ADPCM"), Map.entry(0x0045, "G.726 ADPCM"), Map.entry(0x0050, "MPEG audio"),
            Map.entry(0x0055, "MPEG Layer 3 (MP3)"), Map.entry(0x0022, "TrueSpeech"), Map.entry(0x0161, "WMA"),
            Map.entry(0x0092, "Dolby AC-3 S/PDIF"), Map.entry(0x2000, "AC-3"), Map.entry(0x00FF, "AAC"),
            Map.entry(0x1610, "MPEG-4 AAC"), Map.entry(0x0000, "unknown (format tag 0)"));

    private WavReader() {
    }

    /** What the fmt chunk says. */
    record Format(int tag, int channels, int sampleRate, int blockAlign, int containerBytes, int validBits) {
    }

    /** The parsed header: the format and where the audio is. */
    record Header(Format format, long dataOffset, int frames) {
        SampleEncoding encoding() {
            return switch (format.tag()) {
                case TAG_FLOAT -> format.containerBytes() == 4 ? SampleEncoding.FLOAT_32 : SampleEncoding.FLOAT_64;
                case TAG_PCM -> SampleEncoding.of(format.validBits(), false);
                default -> SampleEncoding.PCM_16;
            };
        }
    }

    static AudioClip read(Path file, FileChannel ch) throws IOException {
        Header h = header(file, ch);
        return decode(file, ch, h.format(), h.dataOffset(), h.frames());
    }

    /** Parses and checks the header against the file's real size; reads no audio. */
    static Header header(Path file, FileChannel ch) throws IOException {
        long fileSize = ch.size();
        if (fileSize < 12) {
            throw error(file, "truncated: only " + fileSize + " bytes, too short for a WAV header");
        }
        ByteBuffer head = readAt(ch, 0, 12);
        String riff = fourCc(head, 0);
        if (riff.equals("RIFX")) {
            throw error(file, "big-endian WAV (RIFX) is not supported");
        }
        boolean rf64 = riff.equals("RF64") || riff.equals("BW64");
        if (!riff.equals("RIFF") && !rf64) {
            throw error(file, "not a WAV file (no RIFF header)");
        }
        if (!fourCc(head, 8).equals("WAVE")) {
            throw error(file, "a RIFF file of type '" + printable(fourCc(head, 8)) + "', not WAVE audio");
        }
        // the RIFF size is often wrong (streamed or buggy writers): walk the chunks to the end of the file
        long end = fileSize;

        Format fmt = null;
        long dataOffset = -1;
        long dataSize = -1;
        long ds64Data = -1;
        long pos = 12;
        while (pos + 8 <= end) {
            ByteBuffer h = readAt(ch, pos, 8);
            String id = fourCc(h, 0);
            long size = Integer.toUnsignedLong(h.getInt(4));
            long body = pos + 8;
            if (id.equals("data")) {
                dataOffset = body;
                dataSize = rf64 && size == UNKNOWN_SIZE && ds64Data >= 0 ? ds64Data : size;
                if (fmt != null) {
                    break;
                }
            } else if (body + size > fileSize) {
                throw error(file, "truncated: the '" + printable(id) + "' chunk declares " + size
                        + " bytes but the file ends after " + (fileSize - body));
            } else if (id.equals("fmt ")) {
                fmt = parseFormat(file, readAt(ch, body, (int) Math.min(size, 4096)), size);
            } else if (id.equals("ds64") && size >= 24) {
                ByteBuffer d = readAt(ch, body, 24);
                ds64Data = d.getLong(8);
            }
            if (dataOffset >= 0 && fmt != null) {
                break;
            }
            pos = next(ch, body, size, end);
        }
        if (fmt == null) {
            throw error(file, dataOffset < 0 ? "no 'fmt ' and no 'data' chunk (empty or truncated WAV)"
                    : "no 'fmt ' chunk before the end of the file");
        }
        if (dataOffset < 0) {
            throw error(file, "no 'data' chunk: truncated WAV, or no audio in it");
        }
        long available = Math.max(0, fileSize - dataOffset);
        if (dataSize > available) {
            if (dataSize == UNKNOWN_SIZE || (rf64 && dataSize < 0)) {
                dataSize = available;   // written to a pipe: the size was never filled in
            } else {
                throw error(file, "truncated: the header declares " + dataSize + " bytes of audio ("
                        + seconds(dataSize, fmt) + ") but only " + available + " bytes follow ("
                        + seconds(available, fmt) + ")");
            }
        }
        long frames = dataSize / fmt.blockAlign();
        if (frames > Integer.MAX_VALUE - 8) {
            throw error(file, "too long to load: " + frames + " frames per channel");
        }
        return new Header(fmt, dataOffset, (int) frames);
    }

    /**
     * The next chunk's position: after the pad byte of an odd-sized chunk, unless the writer forgot the pad (then
     * a chunk id starts right after the body and the padded position holds none).
     */
    private static long next(FileChannel ch, long body, long size, long end) throws IOException {
        long padded = body + size + (size & 1);
        if ((size & 1) == 0 || padded + 8 > end) {
            return padded;
        }
        ByteBuffer b = readAt(ch, body + size, 5);
        boolean paddedId = isFourCc(b, 1);
        boolean unpaddedId = isFourCc(b, 0);
        return !paddedId && unpaddedId ? body + size : padded;
    }

    private static boolean isFourCc(ByteBuffer b, int at) {
        for (int i = at; i < at + 4; i++) {
            int c = b.get(i) & 0xFF;
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    private static String seconds(long bytes, Format f) {
        return String.format(java.util.Locale.ROOT, "%.3f s", bytes / (double) f.blockAlign() / f.sampleRate());
    }

    private static Format parseFormat(Path file, ByteBuffer b, long size) {
        if (size < 16) {
            throw error(file, "'fmt ' chunk too short (" + size + " bytes)");
        }
        int tag = Short.toUnsignedInt(b.getShort(0));
        int channels = Short.toUnsignedInt(b.getShort(2));
        long rate = Integer.toUnsignedLong(b.getInt(4));
        int blockAlign = Short.toUnsignedInt(b.getShort(12));
        int bits = Short.toUnsignedInt(b.getShort(14));
        int validBits = bits;
        if (tag == TAG_EXTENSIBLE) {
            if (size < 40 || Short.toUnsignedInt(b.getShort(16)) < 22) {
                throw error(file, "WAVE_FORMAT_EXTENSIBLE header too short (" + size + " bytes)");
            }
            validBits = Short.toUnsignedInt(b.getShort(18));
            if (validBits == 0) {
                validBits = bits;
            }
            byte[] guid = new byte[16];
            b.get(24, guid);
            byte[] tail = Arrays.copyOfRange(guid, 4, 16);
            int sub = b.getInt(24);
            if (!Arrays.equals(tail, GUID_TAIL) && !Arrays.equals(tail, GUID_AMBISONIC_TAIL)) {
                throw error(file, "unsupported WAVE_FORMAT_EXTENSIBLE sub-format " + guidText(guid));
            }
            tag = sub;
        }
        if (tag != TAG_PCM && tag != TAG_FLOAT && tag != TAG_ALAW && tag != TAG_MULAW) {
            String name = KNOWN_TAGS.getOrDefault(tag, "format tag 0x" + String.format("%04X", tag));
            throw error(file, "unsupported WAV sample encoding: " + name + " (format tag 0x"
                    + String.format("%04X", tag) + "); readable are integer PCM (8/16/24/32-bit), float (32/64-bit), "
                    + "A-law and mu-law WAV, and FLAC");
        }
        if (channels < 1) {
            throw error(file, "the header declares 0 channels");
        }
        if (rate < 1 || rate > MAX_RATE) {
            throw error(file, "implausible sample rate " + rate + " Hz in the header");
        }
        if (blockAlign == 0 || blockAlign % channels != 0) {
            throw error(file, "inconsistent header: block size " + blockAlign + " bytes for " + channels
                    + " channels");
        }
        int container = blockAlign / channels;
        switch (tag) {
            case TAG_PCM -> {
                if (container < 1 || container > 4 || bits < 1 || bits > container * 8 || validBits > bits) {
                    throw error(file, "unsupported integer PCM layout: " + bits + " bits in " + container
                            + "-byte samples");
                }
            }
            case TAG_FLOAT -> {
                if (!((bits == 32 && container == 4) || (bits == 64 && container == 8))) {
                    throw error(file, "unsupported float layout: " + bits + " bits in " + container
                            + "-byte samples (32- and 64-bit float are supported)");
                }
            }
            default -> {
                if (container != 1) {
                    throw error(file, "G.711 " + (tag == TAG_ALAW ? "A-law" : "mu-law") + " with " + container
                            + "-byte samples is not supported");
                }
            }
        }
        return new Format(tag, channels, (int) rate, blockAlign, container, Math.min(validBits, bits));
    }

    private static AudioClip decode(Path file, FileChannel ch, Format f, long offset, int frames) throws IOException {
        int nch = f.channels();
        float[][] out;
        try {
            out = new float[nch][frames];
        } catch (OutOfMemoryError e) {
            throw error(file, "too large to load into memory (" + ((long) nch * frames * 4 >> 20) + " MiB of samples)");
        }
        int framesPerRead = Math.max(1, (1 << 20) / f.blockAlign());
        ByteBuffer buf = ByteBuffer.allocate(framesPerRead * f.blockAlign()).order(ByteOrder.LITTLE_ENDIAN);
        float[] table = f.tag() == TAG_ALAW ? G711.ALAW : f.tag() == TAG_MULAW ? G711.MULAW : null;
        long badCount = 0;
        long firstBad = -1;
        int done = 0;
        long pos = offset;
        while (done < frames) {
            int n = Math.min(framesPerRead, frames - done);
            buf.clear().limit(n * f.blockAlign());
            while (buf.hasRemaining()) {
                int r = ch.read(buf, pos + buf.position());
                if (r < 0) {
                    throw error(file, "truncated while reading audio data");
                }
            }
            pos += buf.limit();
            buf.flip();
            for (int i = 0; i < n; i++) {
                int frame = done + i;
                for (int c = 0; c < nch; c++) {
                    float v;
                    switch (f.tag()) {
                        case TAG_FLOAT -> {
                            double d = f.containerBytes() == 4 ? buf.getFloat() : buf.getDouble();
                            v = (float) d;
                            if (!Float.isFinite(v)) {
                                if (firstBad < 0) {
                                    firstBad = (long) frame * nch + c;
                                }
                                badCount++;
                            }
                        }
                        case TAG_PCM -> v = pcm(buf, f.containerBytes());
                        default -> v = table[buf.get() & 0xFF];
                    }
                    out[c][frame] = v;
                }
            }
            done += n;
        }
        if (badCount > 0) {
            long frame = firstBad / nch;
            throw error(file, "contains " + badCount + " NaN or infinite float sample" + (badCount == 1 ? "" : "s")
                    + " (first at " + String.format(java.util.Locale.ROOT, "%.6f", frame / (double) f.sampleRate())
                    + " s, frame " + frame + ", channel " + (firstBad % nch + 1) + "); repair the file first");
        }
        boolean isFloat = f.tag() == TAG_FLOAT;
        int bits = isFloat ? f.containerBytes() * 8 : table != null ? 16 : f.validBits();
        return new AudioClip(out, f.sampleRate(), bits, isFloat);
    }

    private static float pcm(ByteBuffer b, int bytes) {
        switch (bytes) {
            case 1:
                return ((b.get() & 0xFF) - 128) / 128f;
            case 2:
                return b.getShort() / 32768f;
            case 3: {
                int v = (b.get() & 0xFF) | (b.get() & 0xFF) << 8 | b.get() << 16;
                return v / 8388608f;
            }
            default:
                return (float) (b.getInt() / 2147483648.0);
        }
    }

    private static ByteBuffer readAt(FileChannel ch, long pos, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                break;
            }
        }
        b.flip();
        if (b.limit() < len) {
            ByteBuffer full = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
            full.put(b).flip();
            full.limit(len);
            return full;
        }
        return b;
    }

    private static String fourCc(ByteBuffer b, int at) {
        byte[] id = new byte[4];
        b.get(at, id);
        return new String(id, StandardCharsets.ISO_8859_1);
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c >= 32 && c < 127 ? c : '?');
        }
        return sb.toString();
    }

    private static String guidText(byte[] g) {
        ByteBuffer b = ByteBuffer.wrap(g).order(ByteOrder.LITTLE_ENDIAN);
        return String.format("{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}", b.getInt(0), b.getShort(4),
                b.getShort(6), g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
    }

    static AudioFormatException error(Path file, String problem) {
        return new AudioFormatException(file + ": " + problem);
    }

    /** ITU-T G.711 expansion tables. */
    static final class G711 {
        static final float[] ALAW = new float[256];
        static final float[] MULAW = new float[256];

        static {
            for (int i = 0; i < 256; i++) {
                ALAW[i] = alaw(i) / 32768f;
                MULAW[i] = mulaw(i) / 32768f;
            }
        }

        private G711() {
        }

        static int alaw(int code) {
            int a = code ^ 0x55;
            int t = (a & 0x0F) << 4;
            int seg = (a & 0x70) >> 4;
            if (seg == 0) {
                t += 8;
            } else if (seg == 1) {
                t += 0x108;
            } else {
                t += 0x108;
                t <<= seg - 1;
            }
            return (a & 0x80) != 0 ? t : -t;
        }

        static int mulaw(int code) {
            int u = ~code & 0xFF;
            int t = ((u & 0x0F) << 3) + 0x84;
            t <<= (u & 0x70) >> 4;
            return (u & 0x80) != 0 ? 0x84 - t : t - 0x84;
        }
    }
}
