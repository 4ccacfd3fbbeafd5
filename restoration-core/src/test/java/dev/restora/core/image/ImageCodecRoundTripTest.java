package dev.restora.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ImageCodecRoundTripTest {
    static Path dir;

    @BeforeAll
    static void setUp() throws IOException {
        dir = TestImages.tmpDir("codec");
    }

    static Stream<Arguments> losslessCases() {
        return Stream.of("png", "tif").flatMap(ext -> Stream.of(8, 16).flatMap(depth -> Stream.of(true, false)
                .flatMap(grey -> Stream.of(true, false).map(alpha -> Arguments.of(ext, depth, grey, alpha)))));
    }

    @ParameterizedTest(name = "{0} {1}-bit grey={2} alpha={3}")
    @MethodSource("losslessCases")
    void losslessFormatsRoundTripDepthGreyAndAlpha(String ext, int depth, boolean grey, boolean alpha) {
        int w = 37;
        int h = 23;
        float[] rgb = grey ? TestImages.greyPlanes(w, h) : TestImages.gradient(w, h);
        float[] a = alpha ? TestImages.alphaRamp(w, h) : null;
        ImageBuffer in = new ImageBuffer(w, h, rgb, a, depth, grey, ImageMetadata.NONE);
        Path f = dir.resolve("rt-" + depth + grey + alpha + "." + ext);
        ImageCodec.write(in, f);
        ImageBuffer out = ImageCodec.read(f);
        assertEquals(w, out.width());
        assertEquals(h, out.height());
        assertEquals(depth, out.bitDepth(), "16-bit in keeps 16-bit out");
        assertEquals(grey, out.grey());
        assertEquals(alpha, out.hasAlpha());
        double q = 0.5 / (depth == 16 ? 65535 : 255) + 1e-6;
        assertTrue(TestImages.maxAbsDiff(rgb, out.rgb()) <= q, "rgb within half a code value");
        if (alpha) {
            assertTrue(TestImages.maxAbsDiff(a, out.alpha()) <= q, "alpha within half a code value");
        }
    }

    @Test
    void ourTiffAndPngDecodeWithTheJdksOwnReadersToo() throws IOException {
        int w = 70;
        int h = 130; // more than one 64-row strip
        float[] rgb = TestImages.gradient(w, h);
        ImageBuffer in = new ImageBuffer(w, h, rgb, TestImages.alphaRamp(w, h), 8, false, ImageMetadata.NONE);
        for (String ext : new String[] {"tif", "png"}) {
            Path f = dir.resolve("jdk-check." + ext);
            ImageCodec.write(in, f);
            javax.imageio.ImageReader jdk = null;
            for (var it = ImageIO.getImageReadersByFormatName(ext.equals("tif") ? "tiff" : "png"); it.hasNext(); ) {
                var r = it.next();
                if (r.getClass().getName().startsWith("com.sun.")) {
                    jdk = r;
                }
            }
            assertNotNull(jdk, "the JDK has a " + ext + " reader");
            try (var s = ImageIO.createImageInputStream(f.toFile())) {
                jdk.setInput(s);
                BufferedImage img = jdk.read(0);
                assertEquals(w, img.getWidth());
                assertEquals(h, img.getHeight());
                int x = 33;
                int y = 101;
                int[] px = img.getRaster().getPixel(x, y, (int[]) null);
                assertEquals(Math.round(rgb[y * w + x] * 255), px[0], ext);
                assertEquals(Math.round(rgb[w * h + y * w + x] * 255), px[1], ext);
                assertEquals(Math.round(rgb[2 * w * h + y * w + x] * 255), px[2], ext);
                assertEquals(Math.round(in.alpha()[y * w + x] * 255), px[3], ext);
            } finally {
                jdk.dispose();
            }
        }
    }

    @Test
    void sixteenBitKeepsMoreThanEightBitsOfPrecision() {
        int w = 256;
        int h = 1;
        float[] rgb = new float[3 * w];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = 0.25f + (i % w) / 65535f; // steps far below one 8-bit code value
        }
        Path f = dir.resolve("fine16.png");
        ImageCodec.write(new ImageBuffer(w, h, rgb, null, 16, false, ImageMetadata.NONE), f);
        ImageBuffer out = ImageCodec.read(f);
        assertTrue(TestImages.maxAbsDiff(rgb, out.rgb()) < 1e-5);
    }

    @Test
    void jdkWrittenGreyIsReadAsStoredNotAsLinearLight() throws IOException {
        BufferedImage g16 = new BufferedImage(4, 1, BufferedImage.TYPE_USHORT_GRAY);
        g16.getRaster().setPixels(0, 0, 4, 1, new int[] {0, 1000, 32768, 65535});
        Path f = dir.resolve("jdk-grey16.png");
        ImageIO.write(g16, "png", f.toFile());
        ImageBuffer b = ImageCodec.read(f);
        assertTrue(b.grey());
        assertEquals(16, b.bitDepth());
        assertEquals(32768 / 65535f, b.rgb()[2], 1e-6);
        assertEquals(32768 / 65535f, b.rgb()[4 + 2], 1e-6);
    }

    @Test
    void paletteWithTransparencyGivesAnAlphaPlane() throws IOException {
        byte[] r = {(byte) 255, 0, 0, 10};
        byte[] g = {0, (byte) 255, 0, 10};
        byte[] b = {0, 0, (byte) 255, 10};
        byte[] a = {(byte) 255, (byte) 128, 0, (byte) 255};
        IndexColorModel icm = new IndexColorModel(8, 4, r, g, b, a);
        BufferedImage img = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_INDEXED, icm);
        img.getRaster().setPixels(0, 0, 4, 1, new int[] {0, 1, 2, 3});
        Path f = dir.resolve("palette-trns.png");
        ImageIO.write(img, "png", f.toFile());
        ImageBuffer buf = ImageCodec.read(f);
        assertTrue(buf.hasAlpha());
        assertEquals(8, buf.bitDepth());
        assertArrayEquals(new float[] {1f, 128 / 255f, 0f, 1f}, buf.alpha(), 1e-6f);
        assertEquals(1f, buf.rgb()[0], 1e-6);
        assertEquals(1f, buf.rgb()[4 + 1], 1e-6);
        assertEquals(10 / 255f, buf.rgb()[8 + 3], 1e-6);
    }

    static void chunk(java.io.DataOutputStream out, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        out.writeInt(data.length);
        out.write(t);
        out.write(data);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(t);
        crc.update(data);
        out.writeInt((int) crc.getValue());
    }

    /** A 3x1 PNG (colour type 2 or 0, 8-bit) with a tRNS chunk making one colour transparent. */
    static byte[] pngWithTrns(boolean grey) throws IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(b);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", new byte[] {0, 0, 0, 3, 0, 0, 0, 1, 8, (byte) (grey ? 0 : 2), 0, 0, 0});
        chunk(out, "tRNS", grey ? new byte[] {0, (byte) 200} : new byte[] {0, (byte) 255, 0, 0, 0, 0});
        byte[] row = grey ? new byte[] {0, 10, (byte) 200, 30} : new byte[] {0, 1, 2, 3, (byte) 255, 0, 0, 7, 8, 9};
        chunk(out, "IDAT", deflate(row));
        chunk(out, "IEND", new byte[0]);
        return b.toByteArray();
    }

    static byte[] deflate(byte[] data) throws IOException {
        java.io.ByteArrayOutputStream z = new java.io.ByteArrayOutputStream();
        try (java.util.zip.DeflaterOutputStream d = new java.util.zip.DeflaterOutputStream(z)) {
            d.write(data);
        }
        return z.toByteArray();
    }

    @Test
    void trnsOnRgbAndGreyMakesThatColourTransparent() throws IOException {
        for (boolean grey : new boolean[] {false, true}) {
            Path f = dir.resolve("trns-" + grey + ".png");
            Files.write(f, pngWithTrns(grey));
            ImageBuffer b = ImageCodec.read(f);
            assertTrue(b.hasAlpha(), "tRNS gives alpha, grey=" + grey);
            assertArrayEquals(new float[] {1f, 0f, 1f}, b.alpha(), 0f);
            assertEquals(grey, b.grey());
        }
    }

    @Test
    void jpegQualityMattersAndDropsAlphaOverWhite() throws IOException {
        int w = 64;
        int h = 48;
        float[] rgb = TestImages.smooth(w, h);
        float[] alpha = new float[w * h];
        java.util.Arrays.fill(alpha, 1f);
        alpha[0] = 0f;
        ImageBuffer in = new ImageBuffer(w, h, rgb, alpha, 8, false, ImageMetadata.NONE);
        Path hi = dir.resolve("q95.jpg");
        Path lo = dir.resolve("q20.jpg");
        ImageCodec.write(in, hi, ImageCodec.WriteOptions.DEFAULT.withJpegQuality(0.95f));
        ImageCodec.write(in, lo, ImageCodec.WriteOptions.DEFAULT.withJpegQuality(0.2f));
        assertTrue(Files.size(lo) < Files.size(hi));
        ImageBuffer back = ImageCodec.read(hi);
        assertFalse(back.hasAlpha());
        assertEquals(8, back.bitDepth());
        assertTrue(back.rgb()[0] > 0.8f, "a transparent pixel is composited over white");
        double err = 0;
        for (int i = 1; i < rgb.length; i++) {
            err += Math.abs(rgb[i] - back.rgb()[i]);
        }
        assertTrue(err / rgb.length < 0.005, "mean error at q=0.95 was " + err / rgb.length);
    }

    @Test
    void contentDecidesTheFormatNotTheExtension() {
        ImageBuffer in = ImageBuffer.rgb(8, 8, TestImages.gradient(8, 8));
        Path jpg = dir.resolve("real.jpg");
        ImageCodec.write(in, jpg);
        Path misnamed = dir.resolve("misnamed.png");
        try {
            Files.copy(jpg, misnamed, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertEquals(ImageFormat.JPEG, ImageCodec.detect(misnamed));
        ImageBuffer b = ImageCodec.read(misnamed);
        assertEquals(8, b.width());
    }

    @Test
    void writesLeaveNoTemporaryFiles() throws IOException {
        Path sub = Files.createDirectories(dir.resolve("clean"));
        ImageBuffer in = ImageBuffer.rgb(5, 5, TestImages.gradient(5, 5));
        ImageCodec.write(in, sub.resolve("a.png"));
        ImageCodec.write(in, sub.resolve("a.png"));
        ImageCodec.write(in, sub.resolve("b.jpg"));
        ImageCodec.write(in, sub.resolve("c.tiff"));
        try (Stream<Path> s = Files.list(sub)) {
            assertEquals(java.util.List.of("a.png", "b.jpg", "c.tiff"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void metadataNoneStaysNone() {
        Path f = dir.resolve("plain.png");
        ImageCodec.write(ImageBuffer.rgb(3, 3, TestImages.gradient(3, 3)), f);
        ImageBuffer b = ImageCodec.read(f);
        assertNull(b.metadata().exif());
        assertNull(b.metadata().convertedFrom());
        assertNotNull(b.metadata());
    }
}
