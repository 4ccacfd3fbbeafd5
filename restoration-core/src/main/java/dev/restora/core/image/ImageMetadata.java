package dev.restora.core.image;

/**
 * What an image carries besides pixels and that the output should keep.
 *
 * @param iccProfile the embedded ICC profile bytes, or null
 * @param exif       the raw EXIF (TIFF-structured) bytes, or null
 */
public record ImageMetadata(byte[] iccProfile, byte[] exif) {
    public static final ImageMetadata NONE = new ImageMetadata(null, null);
}
