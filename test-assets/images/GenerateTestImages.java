import dev.restora.core.image.ImageBuffer;
import dev.restora.core.image.ImageCodec;
import dev.restora.core.image.ImageMetadata;
import dev.restora.core.image.ImageOps;
import dev.restora.core.image.Resampler;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Makes the synthetic test images of test-assets/images (see SOURCES.md). Run through generate.sh, which puts
 * restoration-core's classes on the class path: every picture is drawn or computed here from fixed seeds.
 *
 * <p>References are rendered at 4x their size and box-averaged down (clean anti-aliasing); the low-resolution
 * inputs are the references shrunk x4 with the antialiased bicubic kernel (Keys a = -0.5, stretched by the
 * factor, as MATLAB's imresize does: the usual super-resolution degradation).
 */
public class GenerateTestImages {
    static final int SS = 4;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : ".");
        Files.createDirectories(dir);
        pair(dir, "text", text(256 * SS, 256 * SS), 8);
        pair(dir, "geometry", geometry(256 * SS, 256 * SS), 8);
        pair(dir, "landscape", landscape(256, 256, 11), 8);
        pair(dir, "sprite-alpha", sprite(128 * SS, 128 * SS), 8);
        pair(dir, "gradient16", gradient16(256, 256), 16);
        exifJpeg(dir);
    }

    /** Writes NAME_ref.png and NAME_x4.png. */
    static void pair(Path dir, String name, ImageBuffer big, int depth) {
        ImageBuffer ref = big;
        if (big.width() > 256 || big.height() > 256) {
            ref = ImageOps.resize(big, big.width() / SS, big.height() / SS, Resampler.Kernel.BOX);
        }
        ref = new ImageBuffer(ref.width(), ref.height(), ref.rgb(), ref.alpha(), depth, false, ImageMetadata.NONE);
        ImageBuffer small = ImageOps.resize(ref, ref.width() / 4, ref.height() / 4, Resampler.Kernel.BICUBIC);
        ImageCodec.write(ref, dir.resolve(name + "_ref.png"));
        ImageCodec.write(small, dir.resolve(name + "_x4.png"));
    }

    static ImageBuffer fromAwt(BufferedImage img, boolean alpha) {
        int w = img.getWidth();
        int h = img.getHeight();
        int plane = w * h;
        float[] rgb = new float[3 * plane];
        float[] a = alpha ? new float[plane] : null;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = img.getRGB(x, y);
                int i = y * w + x;
                rgb[i] = ((p >> 16) & 0xff) / 255f;
                rgb[plane + i] = ((p >> 8) & 0xff) / 255f;
                rgb[2 * plane + i] = (p & 0xff) / 255f;
                if (a != null) {
                    a[i] = (p >>> 24) / 255f;
                }
            }
        }
        return new ImageBuffer(w, h, rgb, a, 8, false, ImageMetadata.NONE);
    }

    static Graphics2D graphics(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        return g;
    }

    /** Printed text of several sizes on warm paper with a little fibre texture. */
    static ImageBuffer text(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = graphics(img);
        g.setColor(new Color(244, 236, 220));
        g.fillRect(0, 0, w, h);
        SplittableRandom rnd = new SplittableRandom(7);
        g.setStroke(new BasicStroke(SS * 0.6f));
        for (int i = 0; i < 400; i++) {
            g.setColor(new Color(220, 208, 188, 60));
            int x = rnd.nextInt(w);
            int y = rnd.nextInt(h);
            g.drawLine(x, y, x + rnd.nextInt(-40, 40), y + rnd.nextInt(-12, 12));
        }
        String[] lines = {
            "Restora Studio", "Residual shifting", "for image super-", "resolution, x4.", "0123456789 +-=/",
            "The quick brown fox", "jumps over the lazy dog."};
        int[] sizes = {26, 22, 22, 22, 18, 14, 14};
        int y = 16 * SS;
        for (int i = 0; i < lines.length; i++) {
            g.setFont(new Font(i % 2 == 0 ? "DejaVu Serif" : "DejaVu Sans", i == 0 ? Font.BOLD : Font.PLAIN, sizes[i] * SS));
            g.setColor(i == 0 ? new Color(120, 20, 30) : new Color(30, 30, 40));
            y += sizes[i] * SS + 8 * SS;
            g.drawString(lines[i], 10 * SS, y);
        }
        g.dispose();
        return fromAwt(img, false);
    }

    /** Circles, stripes at angles, a zone plate patch and a checkerboard: edges of every orientation. */
    static ImageBuffer geometry(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = graphics(img);
        g.setPaint(new GradientPaint(0, 0, new Color(40, 70, 120), w, h, new Color(200, 220, 235)));
        g.fillRect(0, 0, w, h);
        int cell = 8 * SS;
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                g.setColor((x + y) % 2 == 0 ? Color.WHITE : new Color(20, 20, 20));
                g.fillRect(x * cell, y * cell, cell, cell);
            }
        }
        g.setStroke(new BasicStroke(3 * SS));
        Color[] cs = {new Color(230, 80, 40), new Color(250, 200, 40), new Color(60, 180, 90), new Color(240, 240, 250)};
        for (int i = 0; i < 4; i++) {
            g.setColor(cs[i]);
            int r = (20 + 14 * i) * SS;
            g.draw(new Ellipse2D.Double(190 * SS - r, 60 * SS - r, 2 * r, 2 * r));
        }
        g.setStroke(new BasicStroke(2 * SS));
        for (int i = 0; i < 14; i++) {
            g.setColor(i % 2 == 0 ? new Color(250, 250, 250) : new Color(30, 30, 60));
            double a = Math.toRadians(10 + i * 6);
            g.drawLine(10 * SS, 250 * SS, (int) (10 * SS + 150 * SS * Math.cos(a)), (int) (250 * SS - 150 * SS * Math.sin(a)));
        }
        Path2D star = new Path2D.Double();
        for (int i = 0; i < 10; i++) {
            double r = (i % 2 == 0 ? 36 : 15) * SS;
            double a = Math.PI / 2 + i * Math.PI / 5;
            double x = 200 * SS + r * Math.cos(a);
            double y = 190 * SS - r * Math.sin(a);
            if (i == 0) {
                star.moveTo(x, y);
            } else {
                star.lineTo(x, y);
            }
        }
        star.closePath();
        g.setColor(new Color(200, 40, 90));
        g.fill(star);
        g.dispose();
        ImageBuffer b = fromAwt(img, false);
        // zone plate patch (computed per pixel: frequency rises with the radius)
        float[] rgb = b.rgb();
        int plane = w * h;
        for (int y = 90 * SS; y < 150 * SS; y++) {
            for (int x = 70 * SS; x < 130 * SS; x++) {
                double dx = (x - 100.0 * SS) / SS;
                double dy = (y - 120.0 * SS) / SS;
                float v = (float) (0.5 + 0.5 * Math.cos(0.0045 * Math.PI * (dx * dx + dy * dy)));
                int i = y * w + x;
                rgb[i] = v;
                rgb[plane + i] = v;
                rgb[2 * plane + i] = v;
            }
        }
        return b;
    }

    /** Value noise with smooth (quintic) interpolation on a lattice of period cell. */
    static final class Noise {
        final float[] lattice;
        final int n;

        Noise(long seed, int n) {
            this.n = n;
            lattice = new float[n * n];
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < lattice.length; i++) {
                lattice[i] = (float) r.nextDouble();
            }
        }

        double at(double x, double y) {
            int x0 = (int) Math.floor(x);
            int y0 = (int) Math.floor(y);
            double fx = fade(x - x0);
            double fy = fade(y - y0);
            double a = v(x0, y0);
            double b = v(x0 + 1, y0);
            double c = v(x0, y0 + 1);
            double d = v(x0 + 1, y0 + 1);
            return (a + (b - a) * fx) + ((c + (d - c) * fx) - (a + (b - a) * fx)) * fy;
        }

        double fbm(double x, double y, int octaves) {
            double sum = 0;
            double amp = 0.5;
            double norm = 0;
            for (int o = 0; o < octaves; o++) {
                sum += amp * at(x, y);
                norm += amp;
                x *= 2.03;
                y *= 2.03;
                amp *= 0.5;
            }
            return sum / norm;
        }

        private double v(int x, int y) {
            return lattice[Math.floorMod(y, n) * n + Math.floorMod(x, n)];
        }

        private static double fade(double t) {
            return t * t * t * (t * (t * 6 - 15) + 10);
        }
    }

    /** A procedural landscape: sky with clouds, two fractal ridgelines, textured grass and rocks. */
    static ImageBuffer landscape(int w, int h, long seed) {
        int sw = w * SS;
        int sh = h * SS;
        Noise clouds = new Noise(seed, 64);
        Noise ridge = new Noise(seed + 1, 64);
        Noise grass = new Noise(seed + 2, 128);
        int plane = sw * sh;
        float[] rgb = new float[3 * plane];
        for (int x = 0; x < sw; x++) {
            double u = x / (double) sw;
            double far = 0.38 + 0.18 * ridge.fbm(u * 4, 0.5, 6);
            double near = 0.55 + 0.2 * ridge.fbm(u * 3 + 10, 3.5, 7);
            for (int y = 0; y < sh; y++) {
                double v = y / (double) sh;
                double r;
                double gr;
                double b;
                if (v < far) {
                    double c = Math.max(0, clouds.fbm(u * 6, v * 10, 6) - 0.45) * 2.2;
                    r = 0.35 + 0.3 * v + c;
                    gr = 0.55 + 0.25 * v + c;
                    b = 0.85 + 0.1 * v + c * 0.6;
                } else if (v < near) {
                    double t = grass.fbm(u * 40, v * 40, 5);
                    r = 0.32 + 0.2 * t;
                    gr = 0.36 + 0.2 * t;
                    b = 0.45 + 0.15 * t;
                } else {
                    double t = grass.fbm(u * 90, v * 30, 6);
                    double rock = grass.fbm(u * 12 + 5, v * 12, 4) > 0.62 ? 1 : 0;
                    r = rock * (0.45 + 0.3 * t) + (1 - rock) * (0.18 + 0.25 * t);
                    gr = rock * (0.43 + 0.3 * t) + (1 - rock) * (0.38 + 0.35 * t);
                    b = rock * (0.40 + 0.3 * t) + (1 - rock) * (0.10 + 0.12 * t);
                }
                int i = y * sw + x;
                rgb[i] = (float) Math.min(1, r);
                rgb[plane + i] = (float) Math.min(1, gr);
                rgb[2 * plane + i] = (float) Math.min(1, b);
            }
        }
        ImageBuffer big = new ImageBuffer(sw, sh, rgb, null, 8, false, ImageMetadata.NONE);
        return ImageOps.resize(big, w, h, Resampler.Kernel.BOX);
    }

    /** A round badge with a soft shadow on a transparent background. */
    static ImageBuffer sprite(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = graphics(img);
        for (int i = 12; i > 0; i--) {
            g.setColor(new Color(0, 0, 0, 8));
            double r = 50 * SS + i * 1.5 * SS;
            g.fill(new Ellipse2D.Double(68 * SS - r, 70 * SS - r, 2 * r, 2 * r));
        }
        g.setPaint(new GradientPaint(0, 14 * SS, new Color(255, 170, 40), 0, 114 * SS, new Color(200, 60, 20)));
        g.fill(new Ellipse2D.Double(14 * SS, 14 * SS, 100 * SS, 100 * SS));
        g.setColor(Color.WHITE);
        g.setStroke(new BasicStroke(4 * SS));
        g.draw(new Ellipse2D.Double(24 * SS, 24 * SS, 80 * SS, 80 * SS));
        g.setFont(new Font("DejaVu Sans", Font.BOLD, 40 * SS));
        g.drawString("R", 50 * SS, 79 * SS);
        g.dispose();
        return fromAwt(img, true);
    }

    /** 16-bit: smooth ramps (banding shows at 8 bits) with fine sinusoidal detail and a soft disc. */
    static ImageBuffer gradient16(int w, int h) {
        int plane = w * h;
        float[] rgb = new float[3 * plane];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double u = x / (double) (w - 1);
                double v = y / (double) (h - 1);
                double ring = Math.hypot(u - 0.6, v - 0.4);
                double disc = 1 / (1 + Math.exp((ring - 0.22) * 60));
                double detail = 0.04 * Math.sin(2 * Math.PI * (u * 9 + v * 4)) * Math.cos(2 * Math.PI * v * 7);
                int i = y * w + x;
                rgb[i] = (float) clamp(0.1 + 0.5 * u + 0.3 * disc + detail);
                rgb[plane + i] = (float) clamp(0.15 + 0.4 * v + 0.2 * disc - detail);
                rgb[2 * plane + i] = (float) clamp(0.6 - 0.3 * u + 0.1 * disc + detail * 0.5);
            }
        }
        return new ImageBuffer(w, h, rgb, null, 16, false, ImageMetadata.NONE);
    }

    static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    /**
     * photo-exif.jpg: a landscape stored sideways with EXIF orientation 6 (rotate 90 degrees clockwise to display)
     * and the Adobe-RGB-compatible ICC profile of Debian's icc-profiles-free; photo-exif_upright.png is the same
     * picture as it should display, losslessly, tagged with the same profile.
     */
    static void exifJpeg(Path dir) throws Exception {
        ImageBuffer upright = landscape(192, 128, 23);
        // stored = upright rotated 90 degrees counter-clockwise, so that orientation 6 turns it back
        int w = upright.width();
        int h = upright.height();
        int plane = w * h;
        float[] stored = new float[3 * plane];
        for (int sy = 0; sy < w; sy++) {
            for (int sx = 0; sx < h; sx++) {
                // displayed (x, y) = stored (y, H - 1 - x) with stored H = w: stored (sx, sy) shows at (w - 1 - sy, sx)
                int ux = w - 1 - sy;
                int uy = sx;
                for (int c = 0; c < 3; c++) {
                    stored[c * plane + sy * h + sx] = upright.rgb()[c * plane + uy * w + ux];
                }
            }
        }
        byte[] adobe = Files.readAllBytes(dir.resolve("icc/compatibleWithAdobeRGB1998.icc"));
        byte[] exif = exifBytes(6);
        ImageBuffer rotated = new ImageBuffer(h, w, stored, null, 8, false, new ImageMetadata(adobe, null));
        Path tmp = dir.resolve("photo-exif.tmp.jpg");
        ImageCodec.write(rotated, tmp, ImageCodec.WriteOptions.DEFAULT.withJpegQuality(0.9f));
        byte[] jpeg = Files.readAllBytes(tmp);
        Files.delete(tmp);
        // splice the EXIF (APP1) after the JFIF APP0: ImageCodec's writer always writes orientation 1
        int at = 4 + (((jpeg[4] & 0xff) << 8) | (jpeg[5] & 0xff));
        byte[] payload = new byte[6 + exif.length];
        System.arraycopy("Exif\0\0".getBytes("ISO-8859-1"), 0, payload, 0, 6);
        System.arraycopy(exif, 0, payload, 6, exif.length);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(jpeg, 0, at);
        out.write(0xff);
        out.write(0xe1);
        out.write((payload.length + 2) >> 8);
        out.write((payload.length + 2) & 0xff);
        out.write(payload);
        out.write(jpeg, at, jpeg.length - at);
        Files.write(dir.resolve("photo-exif.jpg"), out.toByteArray());
        ImageCodec.write(new ImageBuffer(w, h, upright.rgb(), null, 8, false, new ImageMetadata(adobe, null)),
                dir.resolve("photo-exif_upright.png"));
    }

    /** Big-endian TIFF-structured EXIF with Make, Model and Orientation in IFD0. */
    static byte[] exifBytes(int orientation) throws Exception {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream d = new java.io.DataOutputStream(b);
        byte[] make = "Restora\0".getBytes("ISO-8859-1");
        byte[] model = "Synthetic Camera\0".getBytes("ISO-8859-1");
        d.writeBytes("MM");
        d.writeShort(42);
        d.writeInt(8);
        d.writeShort(3);
        int data = 8 + 2 + 3 * 12 + 4;
        d.writeShort(271);
        d.writeShort(2);
        d.writeInt(make.length);
        d.writeInt(data);
        d.writeShort(272);
        d.writeShort(2);
        d.writeInt(model.length);
        d.writeInt(data + make.length);
        d.writeShort(274);
        d.writeShort(3);
        d.writeInt(1);
        d.writeShort(orientation);
        d.writeShort(0);
        d.writeInt(0);
        d.write(make);
        d.write(model);
        return b.toByteArray();
    }
}
