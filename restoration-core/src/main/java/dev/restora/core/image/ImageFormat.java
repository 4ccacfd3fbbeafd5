package dev.restora.core.image;

import java.util.Locale;

/** Image formats known by their first bytes; only {@link #isReadable() readable} ones are decoded. */
public enum ImageFormat {
    PNG("PNG", true),
    JPEG("JPEG", true),
    TIFF("TIFF", true),
    WEBP("WebP", true),
    BMP("BMP", false),
    GIF("GIF", false),
    JPEG2000("JPEG 2000", false),
    HEIF("HEIF/AVIF", false),
    PSD("Photoshop PSD", false),
    ICO("ICO", false),
    UNKNOWN("unknown", false);

    private final String label;
    private final boolean readable;

    ImageFormat(String label, boolean readable) {
        this.label = label;
        this.readable = readable;
    }

    public String label() {
        return label;
    }

    public boolean isReadable() {
        return readable;
    }

    /** The format the content starts with (never the file name's extension). */
    public static ImageFormat sniff(byte[] head, int n) {
        if (n >= 8 && u(head, 0) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G'
                && head[4] == '\r' && head[5] == '\n' && head[6] == 0x1a && head[7] == '\n') {
            return PNG;
        }
        if (n >= 3 && u(head, 0) == 0xff && u(head, 1) == 0xd8 && u(head, 2) == 0xff) {
            return JPEG;
        }
        if (n >= 4 && ((head[0] == 'I' && head[1] == 'I' && head[2] == 42 && head[3] == 0)
                || (head[0] == 'M' && head[1] == 'M' && head[2] == 0 && head[3] == 42)
                || (head[0] == 'I' && head[1] == 'I' && head[2] == 43 && head[3] == 0)
                || (head[0] == 'M' && head[1] == 'M' && head[2] == 0 && head[3] == 43))) {
            return TIFF;
        }
        if (n >= 12 && ascii(head, 0, 4).equals("RIFF") && ascii(head, 8, 4).equals("WEBP")) {
            return WEBP;
        }
        if (n >= 2 && head[0] == 'B' && head[1] == 'M') {
            return BMP;
        }
        if (n >= 4 && ascii(head, 0, 4).equals("GIF8")) {
            return GIF;
        }
        if (n >= 12 && ascii(head, 4, 4).equals("jP  ") || n >= 4 && u(head, 0) == 0xff && u(head, 1) == 0x4f
                && u(head, 2) == 0xff && u(head, 3) == 0x51) {
            return JPEG2000;
        }
        if (n >= 12 && ascii(head, 4, 4).equals("ftyp")) {
            String brand = ascii(head, 8, 4).toLowerCase(Locale.ROOT);
            if (brand.startsWith("hei") || brand.startsWith("mif") || brand.startsWith("avi") || brand.startsWith("hev")) {
                return HEIF;
            }
        }
        if (n >= 4 && ascii(head, 0, 4).equals("8BPS")) {
            return PSD;
        }
        if (n >= 4 && head[0] == 0 && head[1] == 0 && head[2] == 1 && head[3] == 0) {
            return ICO;
        }
        return UNKNOWN;
    }

    /** A short guess at what non-image content is, for error messages ("text", "a ZIP archive", ...). */
    static String describeUnknown(byte[] head, int n) {
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return "a ZIP archive";
        }
        if (n >= 4 && head[0] == '%' && head[1] == 'P' && head[2] == 'D' && head[3] == 'F') {
            return "a PDF document";
        }
        if (n >= 4 && ascii(head, 0, 4).equals("RIFF")) {
            return "a RIFF file (" + (n >= 12 ? ascii(head, 8, 4).trim() : "?") + ")";
        }
        int printable = 0;
        for (int i = 0; i < n; i++) {
            int c = u(head, i);
            if (c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c < 0x7f) || c >= 0x80) {
                printable++;
            }
        }
        if (n > 0 && printable == n) {
            return "text";
        }
        return "unrecognised data";
    }

    static int u(byte[] b, int i) {
        return b[i] & 0xff;
    }

    static String ascii(byte[] b, int off, int len) {
        StringBuilder s = new StringBuilder(len);
        for (int i = off; i < off + len && i < b.length; i++) {
            int c = b[i] & 0xff;
            s.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
        }
        return s.toString();
    }
}
