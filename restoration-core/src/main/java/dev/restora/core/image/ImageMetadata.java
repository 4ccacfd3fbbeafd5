package dev.restora.core.image;

/**
 * What an image carries besides pixels and that the output should keep.
 *
 * <p>Colour policy: the pixels of an {@link ImageBuffer} are always sRGB-encoded. An untagged image and one tagged
 * with an sRGB(-equivalent) profile are read unchanged. An image with another profile (Adobe RGB, a grey gamma 2.2
 * profile, ...) is converted to sRGB on reading and its output is <em>tagged as sRGB</em>: {@link #iccProfile()} then
 * holds the sRGB profile (colour output) or nothing (grey output, untagged meaning sRGB), and
 * {@link #convertedFrom()} names the source profile. We do not convert back: the processing space is sRGB, so
 * colours outside it are already clipped and converting back would only add a second rounding.
 *
 * @param iccProfile    the ICC profile that describes the buffer's pixels and is written with them, or null
 * @param exif          the raw EXIF (TIFF-structured, starting with II or MM) bytes with the orientation already
 *                      reset to "normal" (the reader applies it), or null
 * @param convertedFrom the description of the source ICC profile when the pixels were converted to sRGB, else null
 */
public record ImageMetadata(byte[] iccProfile, byte[] exif, String convertedFrom) {
    public static final ImageMetadata NONE = new ImageMetadata(null, null, null);

    public ImageMetadata(byte[] iccProfile, byte[] exif) {
        this(iccProfile, exif, null);
    }

    public boolean hasIccProfile() {
        return iccProfile != null && iccProfile.length > 0;
    }

    public boolean hasExif() {
        return exif != null && exif.length > 0;
    }
}
