package dev.restora.core.image;

import java.util.Arrays;

/**
 * Minimal access to raw EXIF (TIFF-structured bytes): the orientation tag of IFD0, read and reset in place so
 * maker notes and other offsets stay valid.
 */
final class Exif {
    static final int TAG_ORIENTATION = 0x0112;

    private Exif() {
    }

    /** Drops an "Exif\0\0" prefix some writers put before the TIFF header; null when not TIFF-structured. */
    static byte[] stripPrefix(byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length > 6 && data[0] == 'E' && data[1] == 'x' && data[2] == 'i' && data[3] == 'f' && data[4] == 0) {
            data = Arrays.copyOfRange(data, 6, data.length);
        }
        return isTiff(data) ? data : null;
    }

    static boolean isTiff(byte[] d) {
        return d != null && d.length >= 8 && ((d[0] == 'I' && d[1] == 'I' && d[2] == 42 && d[3] == 0)
                || (d[0] == 'M' && d[1] == 'M' && d[2] == 0 && d[3] == 42));
    }

    /** EXIF orientation 1..8, 1 when absent or unreadable. */
    static int orientation(byte[] exif) {
        int at = orientationOffset(exif);
        if (at < 0) {
            return 1;
        }
        int v = u16(exif, at, exif[0] == 'I');
        return v >= 1 && v <= 8 ? v : 1;
    }

    /** A copy with the orientation tag set to 1 (normal), or the same array when there is none. */
    static byte[] withNormalOrientation(byte[] exif) {
        int at = orientationOffset(exif);
        if (at < 0) {
            return exif;
        }
        byte[] copy = exif.clone();
        boolean le = exif[0] == 'I';
        copy[at] = (byte) (le ? 1 : 0);
        copy[at + 1] = (byte) (le ? 0 : 1);
        return copy;
    }

    /**
     * The EXIF to write with an upright image of {@code width} x {@code height}: orientation normal, the EXIF pixel
     * dimensions (0xA002/0xA003) set to the new size, and the IFD1 thumbnail unlinked (it shows the old picture,
     * possibly in the old orientation). Patched in a copy, in place, so maker-note offsets stay valid.
     */
    static byte[] forOutput(byte[] exif, int width, int height) {
        if (!isTiff(exif)) {
            return exif;
        }
        byte[] out = withNormalOrientation(exif);
        if (out == exif) {
            out = exif.clone();
        }
        boolean le = out[0] == 'I';
        long ifd0 = u32(out, 4, le);
        if (ifd0 < 8 || ifd0 + 2 > out.length) {
            return out;
        }
        int n = u16(out, (int) ifd0, le);
        int next = (int) ifd0 + 2 + 12 * n;
        if (next + 4 <= out.length) {
            put32(out, next, 0, le);
        }
        for (int i = 0; i < n; i++) {
            int e = (int) ifd0 + 2 + 12 * i;
            if (e + 12 > out.length) {
                break;
            }
            if (u16(out, e, le) == 0x8769) {
                long sub = u32(out, e + 8, le);
                if (sub >= 8 && sub + 2 <= out.length) {
                    patchDimensions(out, (int) sub, width, height, le);
                }
            }
        }
        return out;
    }

    private static void patchDimensions(byte[] b, int ifd, int width, int height, boolean le) {
        int n = u16(b, ifd, le);
        for (int i = 0; i < n; i++) {
            int e = ifd + 2 + 12 * i;
            if (e + 12 > b.length) {
                return;
            }
            int tag = u16(b, e, le);
            int type = u16(b, e + 2, le);
            if (tag != 0xA002 && tag != 0xA003) {
                continue;
            }
            int v = tag == 0xA002 ? width : height;
            if (type == 4) {
                put32(b, e + 8, v, le);
            } else if (type == 3 && v <= 0xffff) {
                put16(b, e + 8, v, le);
            }
        }
    }

    private static void put16(byte[] b, int i, int v, boolean le) {
        b[i] = (byte) (le ? v : v >>> 8);
        b[i + 1] = (byte) (le ? v >>> 8 : v);
    }

    private static void put32(byte[] b, int i, long v, boolean le) {
        for (int k = 0; k < 4; k++) {
            b[i + k] = (byte) (le ? v >>> (8 * k) : v >>> (8 * (3 - k)));
        }
    }

    /** Offset of the orientation SHORT value in IFD0, or -1. */
    private static int orientationOffset(byte[] exif) {
        if (!isTiff(exif)) {
            return -1;
        }
        boolean le = exif[0] == 'I';
        long ifd = u32(exif, 4, le);
        if (ifd < 8 || ifd + 2 > exif.length) {
            return -1;
        }
        int n = u16(exif, (int) ifd, le);
        for (int i = 0; i < n; i++) {
            int e = (int) ifd + 2 + 12 * i;
            if (e + 12 > exif.length) {
                return -1;
            }
            if (u16(exif, e, le) == TAG_ORIENTATION && u16(exif, e + 2, le) == 3) {
                return e + 8;
            }
        }
        return -1;
    }

    static int u16(byte[] b, int i, boolean le) {
        return le ? (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 : (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
    }

    static long u32(byte[] b, int i, boolean le) {
        if (i + 4 > b.length) {
            return -1;
        }
        long v = le ? (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (long) (b[i + 3] & 0xff) << 24
                : (long) (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
        return v;
    }

    /**
     * Applies an EXIF orientation to planar data, returning the planes as they should be displayed.
     *
     * @return new planes; {@code dims[0..1]} receive the displayed width and height
     */
    static float[] orient(float[] planes, int channels, int w, int h, int orientation, int[] dims) {
        boolean swap = orientation >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        dims[0] = ow;
        dims[1] = oh;
        if (orientation <= 1 || orientation > 8) {
            return planes;
        }
        float[] out = new float[planes.length];
        int plane = w * h;
        for (int c = 0; c < channels; c++) {
            int base = c * plane;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int sx;
                    int sy;
                    switch (orientation) {
                        case 2 -> { sx = w - 1 - ox; sy = oy; }
                        case 3 -> { sx = w - 1 - ox; sy = h - 1 - oy; }
                        case 4 -> { sx = ox; sy = h - 1 - oy; }
                        case 5 -> { sx = oy; sy = ox; }
                        case 6 -> { sx = oy; sy = h - 1 - ox; }
                        case 7 -> { sx = w - 1 - oy; sy = h - 1 - ox; }
                        default -> { sx = w - 1 - oy; sy = ox; } // 8
                    }
                    out[base + oy * ow + ox] = planes[base + sy * w + sx];
                }
            }
        }
        return out;
    }
}
