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
