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
 * the heuristic the PNG specification recommends.
 */
final class PngEncoder {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private PngEncoder() {
    }

    /** Samples are interleaved in [0, 65535] (16-bit) or [0, 255] (8-bit). */
    static void write(OutputStream os, int w, int h, int channels, int depth, int[] samples, byte[] icc, byte[] exif)
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
        byte[] prev = new byte[stride];
        byte[] cur = new byte[stride];
        byte[][] cand = new byte[5][stride + 1];
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        Deflater deflater = new Deflater(6);
        try (DeflaterOutputStream z = new DeflaterOutputStream(idat, deflater, 1 << 16)) {
            int rowSamples = w * channels;
            for (int y = 0; y < h; y++) {
                int base = y * rowSamples;
                if (depth == 16) {
                    for (int i = 0; i < rowSamples; i++) {
                        int v = samples[base + i];
                        cur[2 * i] = (byte) (v >>> 8);
                        cur[2 * i + 1] = (byte) v;
                    }
                } else {
                    for (int i = 0; i < rowSamples; i++) {
                        cur[i] = (byte) samples[base + i];
                    }
                }
                z.write(bestFilter(cur, prev, bpp, cand));
                byte[] t = prev;
                prev = cur;
                cur = t;
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

    private static byte[] bestFilter(byte[] cur, byte[] prev, int bpp, byte[][] cand) {
        int n = cur.length;
        long best = Long.MAX_VALUE;
        int bestType = 0;
        for (int type = 0; type < 5; type++) {
            byte[] o = cand[type];
            o[0] = (byte) type;
            long sum = 0;
            for (int i = 0; i < n; i++) {
                int x = cur[i] & 0xff;
                int a = i >= bpp ? cur[i - bpp] & 0xff : 0;
                int b = prev[i] & 0xff;
                int c = i >= bpp ? prev[i - bpp] & 0xff : 0;
                int v = switch (type) {
                    case 0 -> x;
                    case 1 -> x - a;
                    case 2 -> x - b;
                    case 3 -> x - ((a + b) >>> 1);
                    default -> x - paeth(a, b, c);
                };
                o[i + 1] = (byte) v;
                int sv = (byte) v;
                sum += Math.abs(sv);
            }
            if (sum < best) {
                best = sum;
                bestType = type;
            }
        }
        return cand[bestType];
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
