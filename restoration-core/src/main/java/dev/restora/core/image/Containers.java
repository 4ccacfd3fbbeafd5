package dev.restora.core.image;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads the structure of PNG, JPEG and WebP files without decoding pixels: the declared size (to refuse
 * decompression bombs before decoding), the embedded ICC profile and EXIF, and signs of truncation.
 */
final class Containers {
    private Containers() {
    }

    /** What the container says about itself. */
    static final class Info {
        int width;
        int height;
        byte[] icc;
        byte[] exif;
        /** a structural problem found (truncation, broken chunk), or null. */
        String problem;
        /** an encoding the decoders cannot handle (12-bit JPEG, arithmetic coding, ...), or null. */
        String unsupported;
        int bitDepth;
        /** colour components of a JPEG frame (4 for CMYK/YCCK). */
        int components;
    }

    static Info png(RandomAccessFile f) throws IOException {
        Info info = new Info();
        long size = f.length();
        long pos = 8;
        boolean sawIhdr = false;
        boolean sawIdat = false;
        while (true) {
            if (pos + 8 > size) {
                info.problem = "truncated: the file ends at byte " + size + " before the PNG end chunk (IEND)"
                        + (sawIdat ? "" : "; no image data was reached");
                return info;
            }
            f.seek(pos);
            long len = f.readInt() & 0xffffffffL;
            byte[] t = new byte[4];
            f.readFully(t);
            String type = new String(t, StandardCharsets.ISO_8859_1);
            if (!type.chars().allMatch(Character::isLetter)) {
                info.problem = "corrupt PNG: a broken chunk header at byte " + pos;
                return info;
            }
            if (len > Integer.MAX_VALUE || pos + 12 + len > size) {
                info.problem = "truncated: the file ends inside the PNG chunk " + type + " (byte " + size + " of "
                        + (pos + 12 + len) + ")";
                return info;
            }
            if (!sawIhdr && !type.equals("IHDR")) {
                info.problem = "corrupt PNG: the first chunk is " + type + ", not IHDR";
                return info;
            }
            switch (type) {
                case "IHDR" -> {
                    sawIhdr = true;
                    info.width = f.readInt();
                    info.height = f.readInt();
                    info.bitDepth = f.readUnsignedByte();
                    if (info.width <= 0 || info.height <= 0) {
                        info.problem = "corrupt PNG: declared size " + (info.width & 0xffffffffL) + "x"
                                + (info.height & 0xffffffffL);
                        return info;
                    }
                }
                case "iCCP" -> {
                    byte[] data = new byte[(int) len];
                    f.readFully(data);
                    int nul = 0;
                    while (nul < data.length && data[nul] != 0) {
                        nul++;
                    }
                    if (nul + 2 <= data.length) {
                        info.icc = inflate(data, nul + 2, data.length - nul - 2);
                    }
                }
                case "eXIf" -> {
                    byte[] data = new byte[(int) len];
                    f.readFully(data);
                    info.exif = Exif.stripPrefix(data);
                }
                case "IDAT" -> sawIdat = true;
                case "IEND" -> {
                    return info;
                }
                default -> {
                }
            }
            pos += 12 + len;
        }
    }

    private static byte[] inflate(byte[] data, int off, int len) {
        Inflater inf = new Inflater();
        try {
            inf.setInput(data, off, len);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    return null;
                }
                out.write(buf, 0, n);
                if (out.size() > 64 << 20) {
                    return null;
                }
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            return null;
        } finally {
            inf.end();
        }
    }

    static Info jpeg(RandomAccessFile f) throws IOException {
        Info info = new Info();
        long size = f.length();
        long pos = 2;
        Map<Integer, byte[]> iccChunks = new TreeMap<>();
        try {
            while (true) {
                f.seek(pos);
                int b = f.readUnsignedByte();
                if (b != 0xff) {
                    info.problem = "corrupt JPEG: no marker at byte " + pos;
                    return info;
                }
                int marker = f.readUnsignedByte();
                while (marker == 0xff) {
                    marker = f.readUnsignedByte();
                    pos++;
                }
                if (marker == 0xd9) {
                    info.problem = "corrupt JPEG: the image ends before its scan data";
                    return info;
                }
                if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
                    pos += 2;
                    continue;
                }
                int len = f.readUnsignedShort();
                if (len < 2 || pos + 2 + len > size) {
                    info.problem = "truncated: the file ends inside a JPEG header segment (byte " + size + ")";
                    return info;
                }
                if (marker == 0xda) {
                    if (info.width == 0) {
                        info.problem = "corrupt JPEG: scan data before the frame header";
                    }
                    break;
                }
                if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc) {
                    int precision = f.readUnsignedByte();
                    info.height = f.readUnsignedShort();
                    info.width = f.readUnsignedShort();
                    info.components = f.readUnsignedByte();
                    info.bitDepth = precision;
                    if (marker == 0xc3 || marker == 0xc7 || marker == 0xcb || marker == 0xcf) {
                        info.unsupported = "lossless JPEG (SOF" + (marker - 0xc0) + ")";
                    } else if (marker >= 0xc9) {
                        info.unsupported = "arithmetic-coded JPEG (SOF" + (marker - 0xc0) + ")";
                    } else if (marker == 0xc5 || marker == 0xc6 || marker == 0xc7) {
                        info.unsupported = "hierarchical JPEG (SOF" + (marker - 0xc0) + ")";
                    } else if (precision != 8) {
                        info.unsupported = precision + "-bit JPEG (only 8-bit JPEG is supported)";
                    }
                } else if (marker == 0xe1 && len > 8) {
                    byte[] data = new byte[len - 2];
                    f.readFully(data);
                    if (data.length > 6 && data[0] == 'E' && data[1] == 'x' && data[2] == 'i' && data[3] == 'f'
                            && data[4] == 0 && info.exif == null) {
                        info.exif = java.util.Arrays.copyOfRange(data, 6, data.length);
                    }
                } else if (marker == 0xe2 && len > 16) {
                    byte[] data = new byte[len - 2];
                    f.readFully(data);
                    if (new String(data, 0, 12, StandardCharsets.ISO_8859_1).equals("ICC_PROFILE\0")) {
                        iccChunks.put(data[12] & 0xff, java.util.Arrays.copyOfRange(data, 14, data.length));
                    }
                }
                pos += 2 + len;
            }
        } catch (EOFException e) {
            info.problem = "truncated: the file ends inside the JPEG headers (byte " + size + ")";
            return info;
        }
        if (!iccChunks.isEmpty()) {
            ByteArrayOutputStream icc = new ByteArrayOutputStream();
            for (byte[] c : iccChunks.values()) {
                icc.write(c, 0, c.length);
            }
            info.icc = icc.toByteArray();
        }
        return info;
    }

    static Info webp(RandomAccessFile f) throws IOException {
        Info info = new Info();
        long size = f.length();
        f.seek(4);
        long riffSize = Integer.toUnsignedLong(Integer.reverseBytes(f.readInt()));
        if (riffSize + 8 > size) {
            info.problem = "truncated: the WebP file declares " + (riffSize + 8) + " bytes but has " + size;
        }
        long pos = 12;
        long end = Math.min(size, riffSize + 8);
        while (pos + 8 <= end) {
            f.seek(pos);
            byte[] t = new byte[4];
            f.readFully(t);
            String type = new String(t, StandardCharsets.ISO_8859_1);
            long len = Integer.toUnsignedLong(Integer.reverseBytes(f.readInt()));
            if (pos + 8 + len > size) {
                if (info.problem == null) {
                    info.problem = "truncated: the file ends inside the WebP chunk '" + type.trim() + "'";
                }
                break;
            }
            switch (type) {
                case "VP8X" -> {
                    f.skipBytes(4);
                    info.width = 1 + read24(f);
                    info.height = 1 + read24(f);
                }
                case "VP8 " -> {
                    if (info.width == 0 && len >= 10) {
                        f.skipBytes(6);
                        info.width = Short.reverseBytes(f.readShort()) & 0x3fff;
                        info.height = Short.reverseBytes(f.readShort()) & 0x3fff;
                    }
                }
                case "VP8L" -> {
                    if (info.width == 0 && len >= 5) {
                        f.skipBytes(1);
                        int bits = Integer.reverseBytes(f.readInt());
                        info.width = 1 + (bits & 0x3fff);
                        info.height = 1 + ((bits >>> 14) & 0x3fff);
                    }
                }
                case "ICCP" -> {
                    info.icc = new byte[(int) len];
                    f.readFully(info.icc);
                }
                case "EXIF" -> {
                    byte[] data = new byte[(int) len];
                    f.readFully(data);
                    info.exif = Exif.stripPrefix(data);
                }
                default -> {
                }
            }
            pos += 8 + len + (len & 1);
        }
        return info;
    }

    private static int read24(RandomAccessFile f) throws IOException {
        int a = f.readUnsignedByte();
        int b = f.readUnsignedByte();
        int c = f.readUnsignedByte();
        return a | (b << 8) | (c << 16);
    }
}
