package dev.restora.core.image;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.ColorConvertOp;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.nio.charset.StandardCharsets;

/** ICC handling: recognising sRGB-equivalent profiles and converting other ones to sRGB (LittleCMS in the JDK). */
final class ColorProfiles {
    private ColorProfiles() {
    }

    static ICC_Profile srgb() {
        return ICC_Profile.getInstance(ColorSpace.CS_sRGB);
    }

    static byte[] srgbBytes() {
        return srgb().getData();
    }

    /** 'RGB ' or 'GRAY' or another colour space signature from the profile header, or "" when unreadable. */
    static String colorSpaceSignature(byte[] icc) {
        if (icc == null || icc.length < 20) {
            return "";
        }
        return new String(icc, 16, 4, StandardCharsets.ISO_8859_1);
    }

    /** The profile's description ('desc' tag, v2 text or v4 mluc), or "unnamed profile". */
    static String describe(ICC_Profile p) {
        try {
            byte[] d = p.getData(ICC_Profile.icSigProfileDescriptionTag);
            if (d != null && d.length > 12) {
                String type = new String(d, 0, 4, StandardCharsets.ISO_8859_1);
                if (type.equals("desc")) {
                    int n = (int) Exif.u32(d, 8, false);
                    n = Math.max(0, Math.min(n, d.length - 12));
                    return new String(d, 12, n, StandardCharsets.ISO_8859_1).replace("\0", "").trim();
                }
                if (type.equals("mluc") && d.length > 28) {
                    int len = (int) Exif.u32(d, 20, false);
                    int off = (int) Exif.u32(d, 24, false);
                    if (off + len <= d.length) {
                        return new String(d, off, len, StandardCharsets.UTF_16BE).replace("\0", "").trim();
                    }
                }
            }
        } catch (RuntimeException e) {
            // fall through
        }
        return "unnamed profile";
    }

    /**
     * Whether converting from {@code p} to sRGB is the identity within half a code value at 8 bits: such profiles
     * (the many sRGB IEC61966-2.1 variants, sGray) leave pixels untouched, so a tagged and an untagged sRGB image
     * read the same.
     */
    static boolean isSrgbEquivalent(ICC_Profile p) {
        int nc = p.getNumComponents();
        if (nc != 1 && nc != 3) {
            return false;
        }
        int n = nc == 3 ? 6 * 6 * 6 : 32;
        float[] test = new float[n * nc];
        for (int i = 0; i < n; i++) {
            if (nc == 3) {
                test[3 * i] = (i % 6) / 5f;
                test[3 * i + 1] = (i / 6 % 6) / 5f;
                test[3 * i + 2] = (i / 36) / 5f;
            } else {
                test[i] = i / 31f;
            }
        }
        float[] out = convert(test, nc, n, 1, p);
        double max = 0;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                float expect = nc == 3 ? test[3 * i + c] : test[i];
                max = Math.max(max, Math.abs(out[3 * i + c] - expect));
            }
        }
        return max <= 0.5 / 255;
    }

    /**
     * Converts interleaved samples ({@code nc} per pixel, [0, 1]) in profile {@code p} to interleaved sRGB
     * (3 per pixel) through 16-bit rasters.
     */
    static float[] convert(float[] interleaved, int nc, int w, int h, ICC_Profile p) {
        WritableRaster src = Raster.createInterleavedRaster(DataBuffer.TYPE_USHORT, w, h, nc, null);
        WritableRaster dst = Raster.createInterleavedRaster(DataBuffer.TYPE_USHORT, w, h, 3, null);
        int[] s = new int[interleaved.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.round(Math.max(0f, Math.min(1f, interleaved[i])) * 65535f);
        }
        src.setPixels(0, 0, w, h, s);
        ColorConvertOp op = new ColorConvertOp(new ICC_Profile[] {p, srgb()}, null);
        op.filter(src, dst);
        int[] d = dst.getPixels(0, 0, w, h, (int[]) null);
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = d[i] / 65535f;
        }
        return out;
    }

    /** The profile of an ICC colour space, or null for the JDK's built-in untagged spaces. */
    static ICC_Profile profileOf(ColorSpace cs) {
        if (cs instanceof ICC_ColorSpace icc && !cs.isCS_sRGB() && cs != ColorSpace.getInstance(ColorSpace.CS_GRAY)) {
            return icc.getProfile();
        }
        return null;
    }
}
