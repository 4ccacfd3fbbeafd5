package dev.restora.core.image;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Writes PNG (grey, grey+alpha, RGB, RGBA; 8 or 16 bits) with the iCCP and eXIf chunks before the image data
 * (PNG 1.2 and the 2017 eXIf extension). Each row gets the filter with the smallest sum of absolute values,
 * the heuristic the PNG specification recommends; rows are packed and filtered in parallel, a band at a time.
 */
final class PngEncoder {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private PngEncoder() {
    }

    /** Samples are interleaved in [0, 65535] (16-bit) or [0, 255] (8-bit). */
    static void write(OutputStream os, int w, int h, int channels, int depth, int[] samples, byte[] icc, byte[] exif)
            throws IOException {
        write(os, w, h, channels, depth, SampleRows.of(samples, w, channels), icc, exif);
    }

    static void write(OutputStream os, int w, int h, int channels, int depth, SampleRows rows, byte[] icc, byte[] exif)
            throws IOException {
        DataOutputStream out = new DataOutputStream(os);
        out.write(SIGNATURE);
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(ihdr);
        d.writeInt(w);
        d.writeInt(h);
        d.writeByte(depth);
        d.writeByte(switch (channels) {
            case 1 -> 0;
            case 2 -> 4;
            case 3 -> 2;
            default -> 6;
        });
        d.writeByte(0);
        d.writeByte(0);
        d.writeByte(0);
        chunk(out, "IHDR", ihdr.toByteArray());
        if (icc != null) {
            ByteArrayOutputStream p = new ByteArrayOutputStream();
            p.write("ICC profile".getBytes(StandardCharsets.ISO_8859_1));
            p.write(0);
            p.write(0);
            try (DeflaterOutputStream z = new DeflaterOutputStream(p, new Deflater(9))) {
                z.write(icc);
            }
            chunk(out, "iCCP", p.toByteArray());
        } else {
            chunk(out, "sRGB", new byte[] {0});
        }
        if (exif != null) {
            chunk(out, "eXIf", exif);
        }
        int bpp = channels * depth / 8;
        int stride = w * bpp;
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        // zlib level 6 with the strategy meant for filtered data, libpng's defaults
        Deflater deflater = new Deflater(6);
        deflater.setStrategy(Deflater.FILTERED);
        try (DeflaterOutputStream z = new DeflaterOutputStream(idat, deflater, 1 << 16)) {
            // rows are packed and filtered in parallel, a band at a time, then compressed in order
            int band = 64;
            byte[] prevRaw = new byte[stride];
            for (int y0 = 0; y0 < h; y0 += band) {
                int n = Math.min(band, h - y0);
                byte[][] raw = new byte[n][];
                byte[][] filtered = new byte[n][];
                int first = y0;
                byte[] before = prevRaw;
                java.util.stream.IntStream.range(0, n).parallel().forEach(k -> {
                    raw[k] = pack(rows, first + k, w * channels, depth, stride);
                });
                java.util.stream.IntStream.range(0, n).parallel().forEach(k -> {
                    filtered[k] = bestFilter(raw[k], k == 0 ? before : raw[k - 1], bpp);
                });
                for (byte[] f : filtered) {
                    z.write(f);
                }
                prevRaw = raw[n - 1];
            }
        } finally {
            deflater.end();
        }
        byte[] data = idat.toByteArray();
        for (int off = 0; off < data.length || off == 0; off += 1 << 20) {
            int len = Math.min(1 << 20, data.length - off);
            byte[] part = new byte[len];
            System.arraycopy(data, off, part, 0, len);
            chunk(out, "IDAT", part);
            if (data.length == 0) {
                break;
            }
        }
        chunk(out, "IEND", new byte[0]);
        out.flush();
    }

    private static byte[] pack(SampleRows rows, int y, int rowSamples, int depth, int stride) {
        int[] samples = new int[rowSamples];
        rows.row(y, samples);
        byte[] cur = new byte[stride];
        if (depth == 16) {
            for (int i = 0; i < rowSamples; i++) {
                int v = samples[i];
                cur[2 * i] = (byte) (v >>> 8);
                cur[2 * i + 1] = (byte) v;
            }
        } else {
            for (int i = 0; i < rowSamples; i++) {
                cur[i] = (byte) samples[i];
            }
        }
        return cur;
    }

    /** The row with the filter whose output has the smallest sum of absolute (signed) bytes, filter type first. */
    private static byte[] bestFilter(byte[] cur, byte[] prev, int bpp) {
        int n = cur.length;
        byte[] best = null;
        long bestSum = Long.MAX_VALUE;
        byte[] o = new byte[n + 1];
        for (int type = 0; type < 5; type++) {
            o[0] = (byte) type;
            long sum = 0;
            switch (type) {
                case 0 -> {
                    for (int i = 0; i < n; i++) {
                        o[i + 1] = cur[i];
                        sum += Math.abs(cur[i]);
                    }
                }
                case 1 -> {
                    for (int i = 0; i < n; i++) {
                        byte v = (byte) (cur[i] - (i >= bpp ? cur[i - bpp] : 0));
                        o[i + 1] = v;
                        sum += Math.abs(v);
                    }
                }
                case 2 -> {
                    for (int i = 0; i < n; i++) {
                        byte v = (byte) (cur[i] - prev[i]);
                        o[i + 1] = v;
                        sum += Math.abs(v);
                    }
                }
                case 3 -> {
                    for (int i = 0; i < n; i++) {
                        int a = i >= bpp ? cur[i - bpp] & 0xff : 0;
                        byte v = (byte) (cur[i] - ((a + (prev[i] & 0xff)) >>> 1));
                        o[i + 1] = v;
                        sum += Math.abs(v);
                    }
                }
                default -> {
                    for (int i = 0; i < n; i++) {
                        int a = i >= bpp ? cur[i - bpp] & 0xff : 0;
                        int c = i >= bpp ? prev[i - bpp] & 0xff : 0;
                        byte v = (byte) (cur[i] - paeth(a, prev[i] & 0xff, c));
                        o[i + 1] = v;
                        sum += Math.abs(v);
                    }
                }
            }
            if (sum < bestSum) {
                bestSum = sum;
                best = o;
                o = new byte[n + 1];
            }
        }
        return best;
    }

    private static int paeth(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a);
        int pb = Math.abs(p - b);
        int pc = Math.abs(p - c);
        if (pa <= pb && pa <= pc) {
            return a;
        }
        return pb <= pc ? b : c;
    }

    private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        out.writeInt(data.length);
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeInt((int) crc.getValue());
    }
}
