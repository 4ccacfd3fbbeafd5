package dev.restora.audio;

/** How samples are stored in a file. */
public enum SampleEncoding {
    /** 8-bit unsigned integer (WAV's only 8-bit form). */
    PCM_U8(8, false),
    PCM_16(16, false),
    PCM_24(24, false),
    PCM_32(32, false),
    FLOAT_32(32, true),
    FLOAT_64(64, true);

    private final int bits;
    private final boolean floating;

    SampleEncoding(int bits, boolean floating) {
        this.bits = bits;
        this.floating = floating;
    }

    public int bits() {
        return bits;
    }

    public int bytes() {
        return bits / 8;
    }

    public boolean isFloat() {
        return floating;
    }

    /**
     * The encoding that holds {@code bits}-bit samples without loss (integer depths round up to the next
     * container: 12 to 16, 20 to 24), or null for 0 bits (unknown source).
     */
    public static SampleEncoding of(int bits, boolean floating) {
        if (bits <= 0) {
            return null;
        }
        if (floating) {
            return bits > 32 ? FLOAT_64 : FLOAT_32;
        }
        if (bits <= 8) {
            return PCM_U8;
        }
        if (bits <= 16) {
            return PCM_16;
        }
        if (bits <= 24) {
            return PCM_24;
        }
        return PCM_32;
    }
}
