package dev.restora.core.image;

import dev.restora.core.RestoraException;
import dev.restora.core.io.AtomicFiles;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes image files as {@link ImageBuffer}s.
 *
 * <p>Reading: PNG (1 to 16 bits, grey, grey+alpha, RGB, RGBA, palette with tRNS), JPEG (baseline and progressive,
 * grey, YCbCr, CMYK/YCCK through TwelveMonkeys), TIFF and WebP. The format is found from the content, never the
 * extension. The declared size is checked against a pixel limit before any pixel is decoded (decompression bombs);
 * the EXIF orientation is applied; colours are brought to sRGB as {@link ImageMetadata} describes; alpha goes to its
 * own plane; more than 8 bits per sample gives a 16-bit buffer.
 *
 * <p>Writing: PNG (8/16-bit, grey or RGB, with alpha; iCCP and eXIf chunks), JPEG (quality setting; EXIF in APP1,
 * ICC in APP2; alpha composited over white) and TIFF (8/16-bit, Deflate, ICC and EXIF tags). A write goes to a
 * temporary file in the target folder that is moved into place atomically, so a failed write leaves nothing.
 *
 * <p>Every error is a {@link RestoraException} whose message starts with the file and says the problem.
 */
public final class ImageCodec {
    /** Default limit on decoded pixels (width x height): 100 megapixels. */
    public static final long DEFAULT_MAX_PIXELS = 100_000_000L;
    /** System property overriding {@link #DEFAULT_MAX_PIXELS}. */
    public static final String MAX_PIXELS_PROPERTY = "restora.image.maxPixels";

    private static final Logger LOG = LoggerFactory.getLogger(ImageCodec.class);

    static {
        ImageIO.setUseCache(false);
        ImageIO.scanForPlugins();
    }

    private ImageCodec() {
    }

    /** Options for writing. */
    public record WriteOptions(float jpegQuality, int bitDepth) {
        /** JPEG quality 0.92, bit depth as the buffer's. */
        public static final WriteOptions DEFAULT = new WriteOptions(0.92f, 0);

        public WriteOptions {
            if (!(jpegQuality >= 0f && jpegQuality <= 1f)) {
                throw new IllegalArgumentException("JPEG quality must be between 0 and 1: " + jpegQuality);
            }
            if (bitDepth != 0 && bitDepth != 8 && bitDepth != 16) {
                throw new IllegalArgumentException("bit depth must be 0 (as the image), 8 or 16: " + bitDepth);
            }
        }

        public WriteOptions withJpegQuality(float q) {
            return new WriteOptions(q, bitDepth);
        }

        public WriteOptions withBitDepth(int depth) {
            return new WriteOptions(jpegQuality, depth);
        }
    }

    /** What a file is, from its headers only. */
    public record ImageInfo(ImageFormat format, int width, int height) {
        public long pixels() {
            return (long) width * height;
        }
    }

    /** The pixel limit in force: the {@value #MAX_PIXELS_PROPERTY} system property, else 100 megapixels. */
    public static long maxPixels() {
        String p = System.getProperty(MAX_PIXELS_PROPERTY);
        if (p != null) {
            try {
                long v = Long.parseLong(p.trim());
                if (v > 0) {
                    return v;
                }
            } catch (NumberFormatException e) {
                LOG.warn("ignoring {}={}: not a positive whole number", MAX_PIXELS_PROPERTY, p);
            }
        }
        return DEFAULT_MAX_PIXELS;
    }

    /** Decodes an image file with the default pixel limit. */
    public static ImageBuffer read(Path file) {
        return read(file, maxPixels());
    }

    /** The format by content, for any file (UNKNOWN for non-images). */
    public static ImageFormat detect(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = new byte[32];
            int n = in.readNBytes(head, 0, head.length);
            return ImageFormat.sniff(head, n);
        } catch (IOException e) {
            throw new RestoraException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /** The format and the declared size (orientation not applied), reading headers only. */
    public static ImageInfo probe(Path file) {
        ImageFormat format = checkFile(file);
        Containers.Info info = containerInfo(file, format);
        if (info.width > 0 && info.height > 0) {
            return new ImageInfo(format, info.width, info.height);
        }
        ImageReader reader = readerFor(file, format);
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            reader.setInput(in, true, true);
            return new ImageInfo(format, reader.getWidth(0), reader.getHeight(0));
        } catch (IOException | RuntimeException e) {
            throw new RestoraException(file + ": not a readable " + format.label() + " image (" + reason(e) + ")", e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * Decodes an image file.
     *
     * @param maxPixels refuse images whose declared width x height exceeds this, before decoding them
     */
    public static ImageBuffer read(Path file, long maxPixels) {
        try {
            return readChecked(file, maxPixels);
        } catch (OutOfMemoryError e) {
            throw new RestoraException(file + ": not enough memory to decode this image (give Java more memory with "
                    + "-Xmx, or lower -D" + MAX_PIXELS_PROPERTY + " to refuse such images early)", e);
        } catch (StackOverflowError e) {
            throw new RestoraException(file + ": corrupt image (the decoder recursed too deep)", e);
        }
    }

    private static ImageBuffer readChecked(Path file, long maxPixels) {
        ImageFormat format = checkFile(file);
        Containers.Info info = containerInfo(file, format);
        if (info.problem != null) {
            throw new RestoraException(file + ": " + info.problem);
        }
        if (info.unsupported != null) {
            throw new RestoraException(file + ": unsupported encoding: " + info.unsupported);
        }
        if (info.width > 0 && info.height > 0) {
            checkSize(file, info.width, info.height, maxPixels);
        }
        byte[] icc = info.icc;
        byte[] exif = info.exif;
        int orientation = Exif.orientation(exif);
        if (format == ImageFormat.TIFF) {
            try {
                TiffTags.FileTags t = TiffTags.readFile(file);
                icc = t.icc;
                exif = t.exif;
                orientation = t.orientation;
            } catch (IOException | RuntimeException e) {
                throw new RestoraException(file + ": corrupt TIFF (" + reason(e) + ")", e);
            }
        }
        BufferedImage img = decode(file, format, maxPixels);
        if (format == ImageFormat.JPEG && info.components == 4) {
            // CMYK/YCCK: TwelveMonkeys converted it to sRGB (with the embedded CMYK profile when there is one)
            ImageBuffer b = toBuffer(file, img, null, exif == null ? null : Exif.withNormalOrientation(exif),
                    orientation, true);
            String from = "CMYK (" + (icc != null ? describeOrUnnamed(icc) : "no embedded profile: generic conversion") + ")";
            return new ImageBuffer(b.width(), b.height(), b.rgb(), b.alpha(), b.bitDepth(), b.grey(),
                    new ImageMetadata(ColorProfiles.srgbBytes(), b.metadata().exif(), from));
        }
        // TwelveMonkeys' JPEG and WebP readers apply an embedded profile themselves; the JDK's PNG reader ignores
        // iCCP and TwelveMonkeys' TIFF reader hands the profile over as the image's colour space
        boolean readerConverts = format == ImageFormat.JPEG || format == ImageFormat.WEBP;
        return toBuffer(file, img, icc, exif == null ? null : Exif.withNormalOrientation(exif), orientation,
                readerConverts);
    }

    private static ImageFormat checkFile(Path file) {
        if (!Files.exists(file)) {
            throw new RestoraException(file + ": no such file");
        }
        if (Files.isDirectory(file)) {
            throw new RestoraException(file + ": is a folder, not an image file");
        }
        byte[] head = new byte[32];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new RestoraException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        if (n == 0) {
            throw new RestoraException(file + ": empty file (0 bytes)");
        }
        ImageFormat format = ImageFormat.sniff(head, n);
        if (format == ImageFormat.UNKNOWN) {
            throw new RestoraException(file + ": not an image: the content is " + ImageFormat.describeUnknown(head, n)
                    + ", not PNG, JPEG, TIFF or WebP (the format is recognised by content, not by the file name)");
        }
        if (!format.isReadable()) {
            throw new RestoraException(file + ": unsupported format: the content is a " + format.label()
                    + " image (recognised by content, not by the file name); Restora reads PNG, JPEG, TIFF and WebP");
        }
        String ext = extension(file);
        if (!ext.isEmpty() && !matches(format, ext)) {
            LOG.info("{}: the name says .{} but the content is {}; reading it as {}", file, ext, format.label(),
                    format.label());
        }
        return format;
    }

    private static Containers.Info containerInfo(Path file, ImageFormat format) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            return switch (format) {
                case PNG -> Containers.png(f);
                case JPEG -> Containers.jpeg(f);
                case WEBP -> Containers.webp(f);
                default -> new Containers.Info();
            };
        } catch (IOException e) {
            throw new RestoraException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    private static void checkSize(Path file, long w, long h, long maxPixels) {
        if (w <= 0 || h <= 0) {
            throw new RestoraException(file + ": corrupt image: declared size " + w + "x" + h);
        }
        if (w * h > maxPixels) {
            throw new RestoraException(String.format(Locale.ROOT,
                    "%s: image too large: %dx%d is %.1f megapixels, above the limit of %.1f megapixels "
                            + "(refused before decoding; raise it with -D%s=<pixels>)",
                    file, w, h, w * h / 1e6, maxPixels / 1e6, MAX_PIXELS_PROPERTY));
        }
    }

    private static ImageReader readerFor(Path file, ImageFormat format) {
        String name = switch (format) {
            case PNG -> "png";
            case JPEG -> "jpeg";
            case TIFF -> "tiff";
            default -> "webp";
        };
        ImageReader chosen = null;
        for (Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName(name); it.hasNext(); ) {
            ImageReader r = it.next();
            boolean twelve = r.getClass().getName().startsWith("com.twelvemonkeys");
            // the JDK's PNG reader; TwelveMonkeys for the rest (CMYK JPEG, every TIFF flavour, WebP)
            if (chosen == null || (format == ImageFormat.PNG ? !twelve : twelve)) {
                chosen = r;
            }
        }
        if (chosen == null) {
            throw new RestoraException(file + ": no decoder for " + format.label() + " is installed");
        }
        return chosen;
    }

    private static BufferedImage decode(Path file, ImageFormat format, long maxPixels) {
        ImageReader reader = readerFor(file, format);
        List<String> warnings = new ArrayList<>();
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            reader.setInput(in, true, false);
            if (format == ImageFormat.TIFF && reader.getNumImages(true) < 1) {
                throw new RestoraException(file + ": corrupt TIFF: no readable image directory");
            }
            int w = reader.getWidth(0);
            int h = reader.getHeight(0);
            checkSize(file, w, h, maxPixels);
            reader.addIIOReadWarningListener((IIOReadWarningListener) (src, msg) -> warnings.add(msg));
            BufferedImage img = reader.read(0, reader.getDefaultReadParam());
            for (String wmsg : warnings) {
                String lower = wmsg.toLowerCase(Locale.ROOT);
                if (lower.contains("premature end") || lower.contains("truncat")) {
                    throw new RestoraException(file + ": truncated: the " + format.label()
                            + " data ends early (" + wmsg.trim() + ")");
                }
                LOG.warn("{}: {}", file, wmsg);
            }
            return img;
        } catch (RestoraException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            String r = reason(e);
            String lower = r.toLowerCase(Locale.ROOT);
            if (e instanceof java.io.EOFException || lower.contains("eof") || lower.contains("end of file")
                    || lower.contains("unexpected end") || lower.contains("truncat")) {
                throw new RestoraException(file + ": truncated: the " + format.label() + " data ends early ("
                        + r + ")", e);
            }
            if (lower.contains("unsupported") || lower.contains("not supported")) {
                throw new RestoraException(file + ": unsupported encoding of " + format.label() + " (" + r + ")", e);
            }
            throw new RestoraException(file + ": corrupt " + format.label() + " image (" + r + ")", e);
        } catch (OutOfMemoryError e) {
            throw new RestoraException(file + ": not enough memory to decode this image", e);
        } catch (StackOverflowError e) {
            throw new RestoraException(file + ": corrupt " + format.label() + " image (decoder recursion too deep)", e);
        } finally {
            reader.dispose();
        }
    }

    private static String reason(Throwable e) {
        String m = e.getMessage();
        Throwable c = e.getCause();
        if ((m == null || m.isBlank()) && c != null) {
            m = c.getMessage();
        }
        if (m == null || m.isBlank()) {
            return e instanceof java.io.EOFException ? "unexpected end of file" : "no details from the decoder";
        }
        return m.trim();
    }

    // ---------------------------------------------------------------------------------------------------------
    // pixels

    /**
     * @param readerConverts the decoder already brought an embedded profile to sRGB (TwelveMonkeys' JPEG reader
     *                       does); the container's profile then only decides how the output is tagged
     */
    private static ImageBuffer toBuffer(Path file, BufferedImage img, byte[] containerIcc, byte[] exif, int orientation,
                                        boolean readerConverts) {
        int w = img.getWidth();
        int h = img.getHeight();
        int plane = w * h;
        ColorModel cm = img.getColorModel();
        Raster r = img.getRaster();
        float[] rgb;
        float[] alpha = null;
        int depth = 8;
        boolean grey;
        byte[] outIcc = null;
        String convertedFrom = null;
        if (cm instanceof IndexColorModel icm) {
            int size = icm.getMapSize();
            boolean paletteGrey = true;
            for (int i = 0; i < size; i++) {
                paletteGrey &= icm.getRed(i) == icm.getGreen(i) && icm.getGreen(i) == icm.getBlue(i);
            }
            grey = paletteGrey;
            rgb = new float[3 * plane];
            alpha = icm.hasAlpha() ? new float[plane] : null;
            int[] idx = new int[w];
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, 0, idx);
                for (int x = 0; x < w; x++) {
                    int p = idx[x];
                    int i = y * w + x;
                    rgb[i] = icm.getRed(p) / 255f;
                    rgb[plane + i] = icm.getGreen(p) / 255f;
                    rgb[2 * plane + i] = icm.getBlue(p) / 255f;
                    if (alpha != null) {
                        alpha[i] = icm.getAlpha(p) / 255f;
                    }
                }
            }
            if (containerIcc != null && ColorProfiles.colorSpaceSignature(containerIcc).equals("RGB ")) {
                ProfileChoice pc = chooseProfile(file, containerIcc, null, 3);
                if (pc.convert != null) {
                    rgb = toSrgbPlanes(rgb, 3, plane, pc.convert);
                    convertedFrom = ColorProfiles.describe(pc.convert);
                    outIcc = grey ? null : ColorProfiles.srgbBytes();
                } else {
                    outIcc = pc.keep;
                }
            }
        } else {
            ColorSpace cs = cm.getColorSpace();
            int nc = cm.getNumColorComponents();
            boolean usable = (nc == 1 && cs.getType() == ColorSpace.TYPE_GRAY) || (nc == 3 && cs.getType() == ColorSpace.TYPE_RGB);
            if (!usable) {
                // CMYK, Lab, YCbCr left unconverted by a reader: let Java 2D bring it to sRGB at 16 bits
                String from = "a " + csName(cm) + " colour space";
                img = toSrgb16(img);
                cm = img.getColorModel();
                r = img.getRaster();
                cs = cm.getColorSpace();
                nc = 3;
                convertedFrom = from;
            }
            grey = nc == 1;
            int bands = r.getNumBands();
            boolean hasAlpha = cm.hasAlpha() && bands > nc;
            int maxBits = 0;
            for (int b = 0; b < nc; b++) {
                maxBits = Math.max(maxBits, cm.getComponentSize(b));
            }
            boolean floating = r.getTransferType() == DataBuffer.TYPE_FLOAT || r.getTransferType() == DataBuffer.TYPE_DOUBLE;
            depth = floating || maxBits > 8 ? 16 : 8;
            float[] colour = new float[nc * plane];
            if (hasAlpha) {
                alpha = new float[plane];
            }
            float[] row = new float[w];
            int[] irow = new int[w];
            for (int b = 0; b < nc + (hasAlpha ? 1 : 0); b++) {
                float scale = floating ? 1f : 1f / ((1L << cm.getComponentSize(b)) - 1);
                float[] dst = b < nc ? colour : alpha;
                int off = b < nc ? b * plane : 0;
                for (int y = 0; y < h; y++) {
                    if (floating) {
                        r.getSamples(0, y, w, 1, b, row);
                        for (int x = 0; x < w; x++) {
                            dst[off + y * w + x] = clamp01(row[x]);
                        }
                    } else {
                        r.getSamples(0, y, w, 1, b, irow);
                        for (int x = 0; x < w; x++) {
                            dst[off + y * w + x] = clamp01(irow[x] * scale);
                        }
                    }
                }
            }
            if (hasAlpha && cm.isAlphaPremultiplied()) {
                for (int c = 0; c < nc; c++) {
                    for (int i = 0; i < plane; i++) {
                        colour[c * plane + i] = alpha[i] > 0 ? clamp01(colour[c * plane + i] / alpha[i]) : 0f;
                    }
                }
            }
            if (convertedFrom == null) {
                // TwelveMonkeys converts colour images only: a grey JPEG/WebP keeps its samples, and one tagged with
                // the JDK's own grey profile comes back in the built-in grey space, so treat it like a PNG
                readerConverts &= nc != 1;
                ICC_Profile readerProfile = ColorProfiles.profileOf(cs);
                ProfileChoice pc = chooseProfile(file, readerConverts && readerProfile == null ? null : containerIcc,
                        readerProfile, nc);
                if (pc.convert == null && pc.keep == null && readerConverts && containerIcc != null) {
                    // converted by the decoder: record it, tag the output as sRGB
                    ProfileChoice original = chooseProfile(file, containerIcc, null, nc);
                    if (original.convert != null) {
                        convertedFrom = ColorProfiles.describe(original.convert);
                        outIcc = grey ? null : ColorProfiles.srgbBytes();
                    } else {
                        outIcc = original.keep;
                    }
                } else if (pc.convert != null) {
                    float[] converted = toSrgbPlanes(colour, nc, plane, pc.convert);
                    // a converted grey is neutral: keep its green plane
                    colour = nc == 1 ? java.util.Arrays.copyOfRange(converted, plane, 2 * plane) : converted;
                    convertedFrom = ColorProfiles.describe(pc.convert);
                    outIcc = grey ? null : ColorProfiles.srgbBytes();
                } else {
                    outIcc = pc.keep;
                }
            } else {
                outIcc = grey ? null : ColorProfiles.srgbBytes();
            }
            if (nc == 1) {
                rgb = new float[3 * plane];
                System.arraycopy(colour, 0, rgb, 0, plane);
                System.arraycopy(colour, 0, rgb, plane, plane);
                System.arraycopy(colour, 0, rgb, 2 * plane, plane);
            } else {
                rgb = colour; // already planar RGB: no second copy
            }
        }
        if (convertedFrom != null) {
            LOG.info("{}: converted from {} to sRGB", file, convertedFrom);
        }
        int[] dims = new int[2];
        float[] orgb = Exif.orient(rgb, 3, w, h, orientation, dims);
        float[] oalpha = alpha == null ? null : Exif.orient(alpha, 1, w, h, orientation, new int[2]);
        return new ImageBuffer(dims[0], dims[1], orgb, oalpha, depth, grey,
                new ImageMetadata(outIcc, exif, convertedFrom));
    }

    private static String describeOrUnnamed(byte[] icc) {
        try {
            return ColorProfiles.describe(ICC_Profile.getInstance(icc));
        } catch (RuntimeException e) {
            return "unreadable profile";
        }
    }

    private static String csName(ColorModel cm) {
        return switch (cm.getColorSpace().getType()) {
            case ColorSpace.TYPE_CMYK -> "CMYK";
            case ColorSpace.TYPE_Lab -> "Lab";
            case ColorSpace.TYPE_YCbCr -> "YCbCr";
            default -> "non-RGB";
        };
    }

    /** What to do with a profile: convert from it, or keep its bytes for the output (sRGB-equivalent). */
    private record ProfileChoice(ICC_Profile convert, byte[] keep) {
    }

    private static ProfileChoice chooseProfile(Path file, byte[] containerIcc, ICC_Profile readerProfile, int nc) {
        ICC_Profile p = readerProfile;
        if (p == null && containerIcc != null) {
            try {
                p = ICC_Profile.getInstance(containerIcc);
            } catch (RuntimeException e) {
                LOG.warn("{}: ignoring an unreadable embedded ICC profile ({})", file, reason(e));
                return new ProfileChoice(null, null);
            }
        }
        if (p == null) {
            return new ProfileChoice(null, null);
        }
        if (p.getNumComponents() != nc) {
            LOG.warn("{}: ignoring an embedded ICC profile for {} components on a {}-component image", file,
                    p.getNumComponents(), nc);
            return new ProfileChoice(null, null);
        }
        try {
            if (ColorProfiles.isSrgbEquivalent(p)) {
                return new ProfileChoice(null, containerIcc != null ? containerIcc : p.getData());
            }
            return new ProfileChoice(p, null);
        } catch (RuntimeException e) {
            LOG.warn("{}: ignoring an unusable embedded ICC profile ({})", file, reason(e));
            return new ProfileChoice(null, null);
        }
    }

    /** Planar colour (nc planes) in profile p to three sRGB planes. */
    private static float[] toSrgbPlanes(float[] colour, int nc, int plane, ICC_Profile p) {
        int chunkSize = Math.max(1, Math.min(plane, 1 << 16));
        float[] result = new float[3 * plane];
        for (int start = 0; start < plane; start += chunkSize) {
            int n = Math.min(chunkSize, plane - start);
            float[] chunk = new float[n * nc];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < nc; c++) {
                    chunk[i * nc + c] = colour[c * plane + start + i];
                }
            }
            float[] out = ColorProfiles.convert(chunk, nc, n, 1, p);
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < 3; c++) {
                    result[c * plane + start + i] = out[3 * i + c];
                }
            }
        }
        return result;
    }

    private static BufferedImage toSrgb16(BufferedImage src) {
        ColorSpace srgb = ColorSpace.getInstance(ColorSpace.CS_sRGB);
        ComponentColorModel cm = new ComponentColorModel(srgb, src.getColorModel().hasAlpha(), false,
                src.getColorModel().getTransparency(), DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(src.getWidth(), src.getHeight());
        BufferedImage dst = new BufferedImage(cm, raster, false, null);
        new ColorConvertOp(null).filter(src, dst);
        return dst;
    }

    private static float clamp01(float v) {
        return v > 0f ? (v < 1f ? v : 1f) : 0f;
    }

    // ---------------------------------------------------------------------------------------------------------
    // writing

    /** Encodes {@code image} to {@code file} with default options; the format is chosen by the extension. */
    public static void write(ImageBuffer image, Path file) {
        write(image, file, WriteOptions.DEFAULT);
    }

    /**
     * Encodes {@code image} to {@code file}, the format chosen by the extension (png, jpg/jpeg, tif/tiff), through
     * a temporary file in the same folder moved into place atomically ({@link AtomicFiles}).
     */
    public static void write(ImageBuffer image, Path file, WriteOptions options) {
        String ext = extension(file);
        ImageFormat format = switch (ext) {
            case "png" -> ImageFormat.PNG;
            case "jpg", "jpeg" -> ImageFormat.JPEG;
            case "tif", "tiff" -> ImageFormat.TIFF;
            default -> throw new RestoraException(file + ": cannot write ." + ext + " files; use .png, .jpg or .tif");
        };
        try {
            AtomicFiles.write(file, out -> {
                switch (format) {
                    case PNG -> writePng(image, out, options);
                    case JPEG -> writeJpeg(image, out, options);
                    default -> writeTiff(image, out, options);
                }
            });
        } catch (IOException | RuntimeException e) {
            if (e instanceof RestoraException re) {
                throw re;
            }
            throw new RestoraException(file + ": cannot write (" + reason(e) + ")", e);
        } catch (OutOfMemoryError e) {
            throw new RestoraException(file + ": not enough memory to encode this image", e);
        }
    }

    private static int depthFor(ImageBuffer image, WriteOptions options) {
        return options.bitDepth() != 0 ? options.bitDepth() : image.bitDepth();
    }

    /** ICC bytes to embed if they suit the output's colour type. */
    private static byte[] iccFor(ImageBuffer image, boolean greyOut) {
        byte[] icc = image.metadata().iccProfile();
        if (icc == null) {
            return null;
        }
        String sig = ColorProfiles.colorSpaceSignature(icc);
        return (greyOut ? sig.equals("GRAY") : sig.equals("RGB ")) ? icc : null;
    }

    /** Interleaved integer samples of the whole image (tests build encoder input with it). */
    static int[] samples(ImageBuffer image, boolean grey, boolean withAlpha, int depth, boolean overWhite) {
        int ch = (grey ? 1 : 3) + (withAlpha ? 1 : 0);
        int w = image.width();
        int[] out = new int[ch * w * image.height()];
        int[] row = new int[ch * w];
        SampleRows rows = SampleRows.of(image, grey, withAlpha, depth, overWhite);
        for (int y = 0; y < image.height(); y++) {
            rows.row(y, row);
            System.arraycopy(row, 0, out, y * row.length, row.length);
        }
        return out;
    }

    private static void writePng(ImageBuffer image, OutputStream out, WriteOptions options) throws IOException {
        int depth = depthFor(image, options);
        boolean grey = image.grey();
        boolean alpha = image.hasAlpha();
        SampleRows s = SampleRows.of(image, grey, alpha, depth, false);
        PngEncoder.write(out, image.width(), image.height(), (grey ? 1 : 3) + (alpha ? 1 : 0), depth, s,
                iccFor(image, grey), uprightExif(image));
    }

    private static void writeTiff(ImageBuffer image, OutputStream out, WriteOptions options) throws IOException {
        int depth = depthFor(image, options);
        boolean grey = image.grey();
        boolean alpha = image.hasAlpha();
        SampleRows s = SampleRows.of(image, grey, alpha, depth, false);
        TiffEncoder.write(out, image.width(), image.height(), (grey ? 1 : 3) + (alpha ? 1 : 0), depth, s,
                iccFor(image, grey), uprightExif(image));
    }

    private static void writeJpeg(ImageBuffer image, OutputStream out, WriteOptions options) throws IOException {
        int w = image.width();
        int h = image.height();
        boolean grey = image.grey();
        SampleRows rows = SampleRows.of(image, grey, false, 8, true);
        BufferedImage bi = new BufferedImage(w, h, grey ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        int[] row = new int[w * (grey ? 1 : 3)];
        for (int y = 0; y < h; y++) {
            rows.row(y, row);
            bi.getRaster().setPixels(0, y, w, 1, row);
        }
        ImageWriter writer = null;
        for (Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("jpeg"); it.hasNext(); ) {
            ImageWriter cand = it.next();
            if (writer == null || cand.getClass().getName().startsWith("com.sun.")) {
                writer = cand;
            }
        }
        if (writer == null) {
            throw new IOException("no JPEG encoder is installed");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream ios = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(ios);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(options.jpegQuality());
            writer.write(null, new IIOImage(bi, null, null), p);
        } finally {
            writer.dispose();
        }
        byte[] exif = uprightExif(image);
        if (exif != null && exif.length + 8 > 65535) {
            LOG.warn("EXIF of {} bytes does not fit in one JPEG APP1 segment; the JPEG is written without it", exif.length);
            exif = null;
        }
        out.write(JpegSegments.insert(bytes.toByteArray(), exif, iccFor(image, grey)));
    }

    /**
     * The buffer's EXIF as written: orientation "normal" (buffers are always upright), pixel dimensions of this
     * buffer, no stale thumbnail.
     */
    private static byte[] uprightExif(ImageBuffer image) {
        byte[] exif = image.metadata().exif();
        return exif == null ? null : Exif.forOutput(exif, image.width(), image.height());
    }

    static String extension(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1);
    }

    private static boolean matches(ImageFormat format, String ext) {
        return switch (format) {
            case PNG -> ext.equals("png");
            case JPEG -> ext.equals("jpg") || ext.equals("jpeg") || ext.equals("jpe") || ext.equals("jfif");
            case TIFF -> ext.equals("tif") || ext.equals("tiff");
            case WEBP -> ext.equals("webp");
            default -> false;
        };
    }
}
