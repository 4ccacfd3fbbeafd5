package dev.restora.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFEntry;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageMetadataTest {
    static final Path ICC = Path.of("../test-assets/images/icc");
    static Path dir;

    @BeforeAll
    static void setUp() throws IOException {
        dir = TestImages.tmpDir("meta");
    }

    static byte[] exif(int orientation) throws IOException {
        return TiffTags.toBytes(List.of(
                new TIFFEntry(TIFF.TAG_MAKE, TIFF.TYPE_ASCII, "Restora Test Camera"),
                new TIFFEntry(TIFF.TAG_ORIENTATION, TIFF.TYPE_SHORT, (short) orientation)));
    }

    static final int B = 16;

    /** A 3x2 grid of 16x16 grey blocks numbered 0..5 (value 40 * n): JPEG keeps flat blocks exactly enough. */
    static ImageBuffer numbered() {
        int w = 3 * B;
        int h = 2 * B;
        float[] rgb = new float[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float v = ((y / B) * 3 + x / B) * 40 / 255f;
                for (int c = 0; c < 3; c++) {
                    rgb[c * w * h + y * w + x] = v;
                }
            }
        }
        return new ImageBuffer(w, h, rgb, null, 8, false, ImageMetadata.NONE);
    }

    /** Writes the numbered image with an EXIF orientation tag, straight through the encoders. */
    static Path writeOriented(String ext, int orientation) throws IOException {
        ImageBuffer img = numbered();
        Path f = dir.resolve("orient" + orientation + "." + ext);
        int[] s = ImageCodec.samples(img, false, false, 8, false);
        byte[] exif = exif(orientation);
        try (var out = Files.newOutputStream(f)) {
            switch (ext) {
                case "png" -> PngEncoder.write(out, img.width(), img.height(), 3, 8, s, null, exif);
                case "tif" -> TiffEncoder.write(out, img.width(), img.height(), 3, 8, s, null, exif, true);
                default -> {
                    Path plain = dir.resolve("plain-" + orientation + ".jpg");
                    ImageCodec.write(img, plain, ImageCodec.WriteOptions.DEFAULT.withJpegQuality(1f));
                    out.write(JpegSegments.insert(Files.readAllBytes(plain), exif, null));
                }
            }
        }
        return f;
    }

    /** The block number shown at displayed block (bx, by). */
    static int block(ImageBuffer b, int bx, int by) {
        float v = b.rgb()[(by * B + B / 2) * b.width() + bx * B + B / 2];
        return Math.round(v * 255 / 40f);
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "tif", "jpg"})
    void exifOrientationSixIsAppliedAndReset(String ext) throws IOException {
        Path f = writeOriented(ext, 6);
        ImageBuffer b = ImageCodec.read(f);
        // orientation 6: rotate 90 degrees clockwise to display; stored 3x2 blocks show as 2x3
        assertEquals(2 * B, b.width());
        assertEquals(3 * B, b.height());
        // displayed (x, y) = stored (y, h - 1 - x): top row shows stored blocks 3 and 0, bottom row 5 and 2
        assertEquals(3, block(b, 0, 0));
        assertEquals(0, block(b, 1, 0));
        assertEquals(5, block(b, 0, 2));
        assertEquals(2, block(b, 1, 2));
        assertNotNull(b.metadata().exif(), "EXIF carried");
        assertEquals(1, Exif.orientation(b.metadata().exif()), "orientation reset after applying it");
        Directory ifd = TiffTags.parseExif(b.metadata().exif());
        Entry make = ifd.getEntryById(TIFF.TAG_MAKE);
        assertNotNull(make, "Make tag carried");
        assertEquals("Restora Test Camera", make.getValueAsString());
        // and it survives a second write
        Path again = dir.resolve("again." + ext);
        ImageCodec.write(b, again);
        ImageBuffer b2 = ImageCodec.read(again);
        assertEquals(2 * B, b2.width());
        assertEquals(3, block(b2, 0, 0));
        assertEquals("Restora Test Camera", TiffTags.parseExif(b2.metadata().exif()).getEntryById(TIFF.TAG_MAKE).getValueAsString());
    }

    /** EXIF with Make, orientation 6, an EXIF sub-IFD with pixel dimensions 30x20, and an IFD1 (thumbnail). */
    static byte[] richExif() throws IOException {
        com.twelvemonkeys.imageio.metadata.tiff.IFD sub = new com.twelvemonkeys.imageio.metadata.tiff.IFD(List.of(
                new TIFFEntry(0xA002, TIFF.TYPE_LONG, 30),
                new TIFFEntry(0xA003, TIFF.TYPE_SHORT, (short) 20)));
        byte[] base = TiffTags.toBytes(List.of(
                new TIFFEntry(TIFF.TAG_MAKE, TIFF.TYPE_ASCII, "Restora Test Camera"),
                new TIFFEntry(TIFF.TAG_ORIENTATION, TIFF.TYPE_SHORT, (short) 6),
                new TIFFEntry(TIFF.TAG_EXIF_IFD, TIFF.TYPE_LONG, sub)));
        boolean le = base[0] == 'I';
        int ifd0 = (int) Exif.u32(base, 4, le);
        int n = Exif.u16(base, ifd0, le);
        int nextAt = ifd0 + 2 + 12 * n;
        assertEquals(0, Exif.u32(base, nextAt, le), "one IFD so far");
        // append IFD1: one entry (Compression = 6, JPEG thumbnail), next = 0
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(base.length + 18)
                .order(le ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN);
        b.put(base);
        b.putShort((short) 1).putShort((short) 0x0103).putShort((short) 3).putInt(1).putShort((short) 6)
                .putShort((short) 0).putInt(0);
        b.putInt(nextAt, base.length);
        return b.array();
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "jpg", "tif"})
    void writtenExifHasTheNewSizeAndNoStaleThumbnail(String ext) throws IOException {
        byte[] exif = richExif();
        ImageBuffer img = new ImageBuffer(48, 32, TestImages.smooth(48, 32), null, 8, false, new ImageMetadata(null, exif));
        Path f = dir.resolve("rich." + ext);
        ImageCodec.write(img, f);
        byte[] back = ImageCodec.read(f).metadata().exif();
        assertNotNull(back);
        boolean le = back[0] == 'I';
        int ifd0 = (int) Exif.u32(back, 4, le);
        assertEquals(0, Exif.u32(back, ifd0 + 2 + 12 * Exif.u16(back, ifd0, le), le), "IFD1 thumbnail unlinked");
        Directory d = TiffTags.parseExif(back);
        assertEquals("Restora Test Camera", d.getEntryById(TIFF.TAG_MAKE).getValueAsString());
        Directory sub = (Directory) d.getEntryById(TIFF.TAG_EXIF_IFD).getValue();
        assertEquals(48, ((Number) sub.getEntryById(0xA002).getValue()).intValue());
        assertEquals(32, ((Number) sub.getEntryById(0xA003).getValue()).intValue());
        assertEquals(1, Exif.orientation(back));
    }

    @Test
    void allEightOrientationsMapTheCornersRight() throws IOException {
        // expected displayed top-left pixel index of the numbered 3x2 image for each orientation
        int[] topLeft = {0, 0, 2, 5, 3, 0, 3, 5, 2};
        int[] width = {0, 3, 3, 3, 3, 2, 2, 2, 2};
        for (int o = 1; o <= 8; o++) {
            ImageBuffer b = ImageCodec.read(writeOriented("png", o));
            assertEquals(width[o] * B, b.width(), "orientation " + o);
            assertEquals(topLeft[o], block(b, 0, 0), "orientation " + o);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "tif", "jpg"})
    void srgbTaggedAndUntaggedReadTheSame(String ext) throws IOException {
        byte[] srgbIcc = Files.readAllBytes(ICC.resolve("sRGB.icc"));
        ImageBuffer plain = new ImageBuffer(32, 16, TestImages.smooth(32, 16), null, 8, false, ImageMetadata.NONE);
        ImageBuffer tagged = new ImageBuffer(32, 16, TestImages.smooth(32, 16), null, 8, false,
                new ImageMetadata(srgbIcc, null));
        Path a = dir.resolve("untagged." + ext);
        Path b = dir.resolve("tagged." + ext);
        ImageCodec.write(plain, a);
        ImageCodec.write(tagged, b);
        ImageBuffer ra = ImageCodec.read(a);
        ImageBuffer rb = ImageCodec.read(b);
        assertArrayEquals(ra.rgb(), rb.rgb(), "an sRGB profile changes nothing");
        assertNull(rb.metadata().convertedFrom());
        assertArrayEquals(srgbIcc, rb.metadata().iccProfile(), "the sRGB profile is carried over as it was");
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "tif", "jpg"})
    void otherProfilesAreConvertedToSrgbAndTheOutputIsTaggedSrgb(String ext) throws IOException {
        byte[] adobe = Files.readAllBytes(ICC.resolve("compatibleWithAdobeRGB1998.icc"));
        int w = 16;
        int h = 48;
        int plane = w * h;
        float[] rgb = new float[3 * plane];
        // rows 0-15: pure Adobe RGB green (outside sRGB); 16-31: mid grey; 32-47: a muted red
        for (int i = 0; i < plane; i++) {
            int band = i / w / 16;
            rgb[i] = band == 0 ? 0f : band == 1 ? 0.5f : 0.6f;
            rgb[plane + i] = band == 0 ? 1f : band == 1 ? 0.5f : 0.3f;
            rgb[2 * plane + i] = band == 0 ? 0f : band == 1 ? 0.5f : 0.3f;
        }
        int green = 8 * w + 8;
        int grey = 24 * w + 8;
        int red = 40 * w + 8;
        Path f = dir.resolve("adobe." + ext);
        ImageBuffer tagged = new ImageBuffer(w, h, rgb, null, 8, false, new ImageMetadata(adobe, null));
        ImageCodec.write(tagged, f, ImageCodec.WriteOptions.DEFAULT.withJpegQuality(1f));
        Path pngPath = dir.resolve("adobe-" + ext + "-as.png");
        ImageCodec.write(tagged, pngPath);
        ImageBuffer b = ImageCodec.read(f);
        assertNotNull(b.metadata().convertedFrom(), "the conversion is recorded");
        assertTrue(b.metadata().convertedFrom().toLowerCase().contains("adobe"), b.metadata().convertedFrom());
        assertArrayEquals(ColorProfiles.srgbBytes(), b.metadata().iccProfile(), "output tagged as sRGB");
        float tol = ext.equals("jpg") ? 0.03f : 0.01f;
        // Adobe RGB and sRGB share the white point and (almost) the tone curve for neutral greys
        assertEquals(0.5f, b.rgb()[grey], 0.02f);
        assertEquals(0.5f, b.rgb()[plane + grey], 0.02f);
        // saturated green is clipped: red at 0, green at 1
        assertEquals(0f, b.rgb()[green], tol);
        assertEquals(1f, b.rgb()[plane + green], tol);
        // a muted colour: red gets stronger in sRGB numbers (wider gamut source)
        assertTrue(b.rgb()[red] > 0.6f + 0.02f, "red " + b.rgb()[red]);
        // converted exactly once, whichever decoder handled the profile: the formats agree with the PNG path
        // (the JDK's PNG reader ignores iCCP, so there ImageCodec converts)
        if (!ext.equals("png")) {
            ImageBuffer png = ImageCodec.read(pngPath);
            for (int i : new int[] {green, grey, red}) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(png.rgb()[c * plane + i], b.rgb()[c * plane + i], tol, ext + " channel " + c + " at " + i);
                }
            }
        }
        // converted and written again: now plainly sRGB, nothing to convert
        Path again = dir.resolve("adobe-again.png");
        ImageCodec.write(b, again);
        ImageBuffer b2 = ImageCodec.read(again);
        assertNull(b2.metadata().convertedFrom());
        assertTrue(TestImages.maxAbsDiff(b.rgb(), b2.rgb()) <= 0.5 / 255 + 1e-6);
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "tif", "jpg"})
    void greyWithAGreyProfileBecomesSrgbGrey(String ext) throws IOException {
        // the JDK's built-in grey profile is linear (gamma 1.0): linear 0.2 is about 0.48 in sRGB
        byte[] linearGrey = ICC_Profile.getInstance(ColorSpace.CS_GRAY).getData();
        float[] rgb = new float[3 * 64];
        java.util.Arrays.fill(rgb, 0.2f);
        Path f = dir.resolve("lineargrey." + ext);
        ImageCodec.write(new ImageBuffer(8, 8, rgb, null, 16, true, new ImageMetadata(linearGrey, null)), f,
                ImageCodec.WriteOptions.DEFAULT.withJpegQuality(1f));
        ImageBuffer b = ImageCodec.read(f);
        assertTrue(b.grey());
        assertNotNull(b.metadata().convertedFrom());
        assertNull(b.metadata().iccProfile(), "grey output is untagged (meaning sRGB)");
        double srgb = 1.055 * Math.pow(0.2, 1 / 2.4) - 0.055;
        assertEquals(srgb, b.rgb()[0], 0.01);
        assertEquals(b.rgb()[0], b.rgb()[64], 1e-6);
        assertEquals(b.rgb()[0], b.rgb()[128], 1e-6);
    }

    @Test
    void tiffCarriesIccAndExifTags() throws IOException {
        byte[] srgbIcc = Files.readAllBytes(ICC.resolve("sRGB.icc"));
        Path f = dir.resolve("tags.tif");
        ImageCodec.write(new ImageBuffer(4, 4, TestImages.smooth(4, 4), null, 16, false,
                new ImageMetadata(srgbIcc, exif(1))), f);
        try (var in = javax.imageio.ImageIO.createImageInputStream(f.toFile())) {
            Directory ifd = TiffTags.firstIfd(in);
            assertArrayEquals(srgbIcc, (byte[]) ifd.getEntryById(TIFF.TAG_ICC_PROFILE).getValue());
            assertEquals("Restora Test Camera", ifd.getEntryById(TIFF.TAG_MAKE).getValueAsString());
        }
    }
}
