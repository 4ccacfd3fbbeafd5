package dev.restora.core.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Splices EXIF (APP1) and ICC (APP2, chunked) segments into an encoded JPEG after its SOI/JFIF header. */
final class JpegSegments {
    private static final int MAX_SEGMENT = 65533;
    private static final int ICC_CHUNK = MAX_SEGMENT - 14;

    private JpegSegments() {
    }

    static byte[] insert(byte[] jpeg, byte[] exif, byte[] icc) {
        if (exif == null && icc == null) {
            return jpeg;
        }
        int at = 2;
        // keep a JFIF APP0 first
        if (jpeg.length > 4 && (jpeg[2] & 0xff) == 0xff && (jpeg[3] & 0xff) == 0xe0) {
            at = 4 + (((jpeg[4] & 0xff) << 8) | (jpeg[5] & 0xff));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + 70_000);
        out.write(jpeg, 0, at);
        if (exif != null && exif.length + 6 <= MAX_SEGMENT) {
            segment(out, 0xe1, concat("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), exif, 0, exif.length));
        }
        if (icc != null) {
            int chunks = (icc.length + ICC_CHUNK - 1) / ICC_CHUNK;
            if (chunks <= 255) {
                for (int i = 0; i < chunks; i++) {
                    int off = i * ICC_CHUNK;
                    int len = Math.min(ICC_CHUNK, icc.length - off);
                    byte[] head = new byte[14];
                    System.arraycopy("ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1), 0, head, 0, 12);
                    head[12] = (byte) (i + 1);
                    head[13] = (byte) chunks;
                    segment(out, 0xe2, concat(head, icc, off, len));
                }
            }
        }
        out.write(jpeg, at, jpeg.length - at);
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b, int off, int len) {
        byte[] r = new byte[a.length + len];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, off, r, a.length, len);
        return r;
    }

    private static void segment(ByteArrayOutputStream out, int marker, byte[] payload) {
        out.write(0xff);
        out.write(marker);
        int len = payload.length + 2;
        out.write(len >>> 8);
        out.write(len & 0xff);
        out.write(payload, 0, payload.length);
    }
}
