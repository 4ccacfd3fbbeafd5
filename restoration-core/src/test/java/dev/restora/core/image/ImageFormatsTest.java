package dev.restora.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Decoding of the committed test assets and of files written by other encoders. */
class ImageFormatsTest {
    static final Path IMAGES = Path.of("../test-assets/images");
    static Path dir;

    @BeforeAll
    static void setUp() throws IOException {
        dir = TestImages.tmpDir("formats");
    }

    static double meanAbsDiff(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs(a[i] - b[i]);
        }
        return s / a.length;
    }

    @Test
    void losslessWebpDecodesToTheSamePixelsAsItsPng() {
        ImageBuffer webp = ImageCodec.read(IMAGES.resolve("landscape_ref_lossless.webp"));
        ImageBuffer png = ImageCodec.read(IMAGES.resolve("landscape_ref.png"));
        assertEquals(png.width(), webp.width());
        assertEquals(png.height(), webp.height());
        assertArrayEquals(png.rgb(), webp.rgb());
        assertEquals(ImageFormat.WEBP, ImageCodec.detect(IMAGES.resolve("landscape_ref_lossless.webp")));
    }

    @Test
    void webpWithAnIccProfileIsConvertedOnceLikeItsPng() {
        ImageBuffer webp = ImageCodec.read(IMAGES.resolve("photo-adobe_lossless.webp"));
        ImageBuffer png = ImageCodec.read(IMAGES.resolve("photo-exif_upright.png"));
        assertTrue(webp.metadata().convertedFrom().contains("Adobe"));
        assertTrue(TestImages.maxAbsDiff(png.rgb(), webp.rgb()) < 2 / 255.0,
                "max diff " + TestImages.maxAbsDiff(png.rgb(), webp.rgb()));
    }

    @Test
    void lossyWebpIsClose() {
        ImageBuffer webp = ImageCodec.read(IMAGES.resolve("text_x4_lossy.webp"));
        ImageBuffer png = ImageCodec.read(IMAGES.resolve("text_x4.png"));
        assertEquals(png.width(), webp.width());
        assertTrue(meanAbsDiff(png.rgb(), webp.rgb()) < 0.03);
    }

    @Test
    void exifJpegIsTurnedUprightAndConvertedFromItsAdobeProfile() throws IOException {
        ImageBuffer jpg = ImageCodec.read(IMAGES.resolve("photo-exif.jpg"));
        ImageBuffer upright = ImageCodec.read(IMAGES.resolve("photo-exif_upright.png"));
        assertEquals(192, jpg.width(), "landscape after applying orientation 6");
        assertEquals(128, jpg.height());
        assertEquals(upright.width(), jpg.width());
        double diff = meanAbsDiff(upright.rgb(), jpg.rgb());
        assertTrue(diff < 0.03, "matches the upright picture: " + diff);
        // both carried the same Adobe RGB profile and were converted the same way
        assertTrue(jpg.metadata().convertedFrom().contains("Adobe"), jpg.metadata().convertedFrom());
        assertTrue(upright.metadata().convertedFrom().contains("Adobe"));
        assertArrayEquals(ColorProfiles.srgbBytes(), jpg.metadata().iccProfile());
        assertEquals(1, Exif.orientation(jpg.metadata().exif()));
        assertEquals("Restora", TiffTags.parseExif(jpg.metadata().exif()).getEntryById(TIFF.TAG_MAKE).getValueAsString());
        // written out, the EXIF and the sRGB tag go along
        Path out = dir.resolve("photo-out.jpg");
        ImageCodec.write(jpg, out);
        ImageBuffer again = ImageCodec.read(out);
        assertEquals(192, again.width(), "not rotated a second time");
        assertEquals("Synthetic Camera", TiffTags.parseExif(again.metadata().exif())
                .getEntryById(TIFF.TAG_MODEL).getValueAsString());
        assertTrue(meanAbsDiff(jpg.rgb(), again.rgb()) < 0.02, "no second colour conversion");
    }

    @Test
    void committedAssetsHaveTheirAdvertisedProperties() {
        ImageBuffer g16 = ImageCodec.read(IMAGES.resolve("gradient16_ref.png"));
        assertEquals(16, g16.bitDepth());
        assertEquals(256, g16.width());
        ImageBuffer sprite = ImageCodec.read(IMAGES.resolve("sprite-alpha_x4.png"));
        assertTrue(sprite.hasAlpha());
        assertEquals(32, sprite.width());
        ImageBuffer text = ImageCodec.read(IMAGES.resolve("text_x4.png"));
        assertEquals(64, text.width());
        assertFalse(text.hasAlpha());
    }

    @Test
    void oneBitPngAndJdkTiffWithLzwAndAlpha() throws IOException {
        BufferedImage bin = new BufferedImage(9, 3, BufferedImage.TYPE_BYTE_BINARY);
        bin.getRaster().setSample(4, 1, 0, 1);
        Path p1 = dir.resolve("one-bit.png");
        ImageIO.write(bin, "png", p1.toFile());
        ImageBuffer b1 = ImageCodec.read(p1);
        assertTrue(b1.grey());
        assertEquals(1f, b1.rgb()[9 + 4]);
        assertEquals(0f, b1.rgb()[0]);

        BufferedImage argb = new BufferedImage(10, 6, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(3, 2, 0x80ff8040);
        Path tif = dir.resolve("jdk-lzw.tif");
        ImageWriter w = ImageIO.getImageWritersByFormatName("tiff").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(tif.toFile())) {
            w.setOutput(out);
            ImageWriteParam p = w.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionType("LZW");
            w.write(null, new IIOImage(argb, null, null), p);
        } finally {
            w.dispose();
        }
        ImageBuffer t = ImageCodec.read(tif);
        assertTrue(t.hasAlpha());
        int i = 2 * 10 + 3;
        assertEquals(0x80 / 255f, t.alpha()[i], 1e-6);
        assertEquals(1f, t.rgb()[i], 1e-6);
        assertEquals(0x80 / 255f, t.rgb()[60 + i], 1e-6);
        assertEquals(0x40 / 255f, t.rgb()[120 + i], 1e-6);
    }

    @Test
    void cmykTiffIsConvertedToRgb() throws IOException {
        int w = 16;
        int h = 8;
        byte[] data = new byte[w * h * 4];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 4;
                data[o] = (byte) (x < 8 ? 255 : 0); // full cyan on the left, paper on the right
            }
        }
        java.util.List<com.twelvemonkeys.imageio.metadata.Entry> entries = new java.util.ArrayList<>();
        entries.add(new com.twelvemonkeys.imageio.metadata.tiff.TIFFEntry(TIFF.TAG_IMAGE_WIDTH, TIFF.TYPE_SHORT, (short) w));
        entries.add(new com.twelvemonkeys.imageio.metadata.tiff.TIFFEntry(TIFF.TAG_IMAGE_HEIGHT, TIFF.TYPE_SHORT, (short) h));
        entries.add(new com.twelvemonkeys.imageio.metadata.tiff.TIFFEntry(TIFF.TAG_BITS_PER_SAMPLE, TIFF.TYPE_SHORT,
                new short[] {8, 8, 8, 8}));
        entries.add(new com.twelvemonkeys.imageio.metadata.tiff.TIFFEntry(TIFF.TAG_COMPRESSION, TIFF.TYPE_SHORT, (short) 1));
        entries.add(new com.twelvemonkeys.imageio.metadata.tiff.TIFFEntry(TIFF.TAG_PHOTOMETRIC_INTERPRETATION,
                TIFF.TYPE_SHORT, (short) 5));
        entries.add(new com.twelvemonkeys.imageio.metadata.tiff.TIFFEntry(TIFF.TAG_SAMPLES_PER_PIXEL, TIFF.TYPE_SHORT, (short) 4));
        entries.add(new com.twelvemonkeys.imageio.metadata.tiff.TIFFEntry(TIFF.TAG_ROWS_PER_STRIP, TIFF.TYPE_SHORT, (short) h));
        entries.add(new com.twelvemonkeys.imageio.metadata.tiff.TIFFEntry(TIFF.TAG_STRIP_BYTE_COUNTS, TIFF.TYPE_LONG,
                data.length));
        entries.add(new com.twelvemonkeys.imageio.metadata.tiff.TIFFEntry(TIFF.TAG_STRIP_OFFSETS, TIFF.TYPE_LONG, 0));
        entries.sort(java.util.Comparator.comparingInt(e -> (Integer) e.getIdentifier()));
        int headerLength = TiffTags.toBytes(entries).length;
        entries.removeIf(e -> (Integer) e.getIdentifier() == TIFF.TAG_STRIP_OFFSETS);
        entries.add(new com.twelvemonkeys.imageio.metadata.tiff.TIFFEntry(TIFF.TAG_STRIP_OFFSETS, TIFF.TYPE_LONG,
                headerLength));
        entries.sort(java.util.Comparator.comparingInt(e -> (Integer) e.getIdentifier()));
        byte[] header = TiffTags.toBytes(entries);
        assertEquals(headerLength, header.length);
        Path f = dir.resolve("cmyk.tif");
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(header);
        file.write(data);
        Files.write(f, file.toByteArray());
        ImageBuffer b = ImageCodec.read(f);
        int plane = w * h;
        int left = 4 * w + 2;
        int right = 4 * w + 13;
        assertTrue(b.rgb()[left] < 0.3f && b.rgb()[plane + left] > 0.5f && b.rgb()[2 * plane + left] > 0.7f,
                "cyan: " + b.rgb()[left] + " " + b.rgb()[plane + left] + " " + b.rgb()[2 * plane + left]);
        assertTrue(b.rgb()[right] > 0.9f && b.rgb()[plane + right] > 0.9f && b.rgb()[2 * plane + right] > 0.9f, "white");
        assertNotNull(b.metadata().convertedFrom(), "the conversion is recorded");
    }

    @Test
    void adobeCmykJpegIsConvertedToRgb() throws IOException {
        int w = 32;
        int h = 16;
        WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                // Adobe CMYK JPEGs store inverted ink: 0 = full cyan on the left half, no ink on the right
                r.setPixel(x, y, new int[] {x < 16 ? 0 : 255, 255, 255, 255});
            }
        }
        ImageWriter jw = null;
        for (var it = ImageIO.getImageWritersByFormatName("jpeg"); it.hasNext(); ) {
            ImageWriter c = it.next();
            if (c.getClass().getName().startsWith("com.sun.")) {
                jw = c;
            }
        }
        assertNotNull(jw);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            jw.setOutput(out);
            jw.write(null, new IIOImage(r, null, null), null);
        } finally {
            jw.dispose();
        }
        byte[] jpeg = bytes.toByteArray();
        byte[] app14 = {(byte) 0xff, (byte) 0xee, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
        byte[] file = new byte[jpeg.length + app14.length];
        System.arraycopy(jpeg, 0, file, 0, 2);
        System.arraycopy(app14, 0, file, 2, app14.length);
        System.arraycopy(jpeg, 2, file, 2 + app14.length, jpeg.length - 2);
        Path f = dir.resolve("cmyk.jpg");
        Files.write(f, file);
        ImageBuffer b = ImageCodec.read(f);
        int plane = w * h;
        int left = 8 * w + 4;
        int right = 8 * w + 28;
        assertTrue(b.rgb()[left] < 0.3f && b.rgb()[plane + left] > 0.5f && b.rgb()[2 * plane + left] > 0.7f, "cyan");
        assertTrue(b.rgb()[right] > 0.9f && b.rgb()[plane + right] > 0.9f && b.rgb()[2 * plane + right] > 0.9f, "paper white");
        assertTrue(b.metadata().convertedFrom().startsWith("CMYK"));
    }
}
