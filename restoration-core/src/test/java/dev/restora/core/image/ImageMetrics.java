package dev.restora.core.image;

/**
 * Full-reference quality measures on the luma channel (BT.601), with a border of {@code crop} pixels left out, as
 * super-resolution papers report them.
 */
public final class ImageMetrics {
    private ImageMetrics() {
    }

    public static float[] luma(ImageBuffer b) {
        int plane = b.width() * b.height();
        float[] rgb = b.rgb();
        float[] y = new float[plane];
        for (int i = 0; i < plane; i++) {
            y[i] = 0.299f * rgb[i] + 0.587f * rgb[plane + i] + 0.114f * rgb[2 * plane + i];
        }
        return y;
    }

    /** PSNR in dB of the luma, peak 1. */
    public static double psnr(ImageBuffer ref, ImageBuffer img, int crop) {
        check(ref, img);
        float[] a = luma(ref);
        float[] b = luma(img);
        int w = ref.width();
        double se = 0;
        long n = 0;
        for (int y = crop; y < ref.height() - crop; y++) {
            for (int x = crop; x < w - crop; x++) {
                double d = a[y * w + x] - b[y * w + x];
                se += d * d;
                n++;
            }
        }
        return 10 * Math.log10(1.0 / Math.max(se / n, 1e-12));
    }

    /** Mean SSIM of the luma (Wang et al. 2004: 11x11 Gaussian window, sigma 1.5, K1 0.01, K2 0.03). */
    public static double ssim(ImageBuffer ref, ImageBuffer img, int crop) {
        check(ref, img);
        int w = ref.width();
        int h = ref.height();
        float[] a = luma(ref);
        float[] b = luma(img);
        float[] aa = new float[a.length];
        float[] bb = new float[a.length];
        float[] ab = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            aa[i] = a[i] * a[i];
            bb[i] = b[i] * b[i];
            ab[i] = a[i] * b[i];
        }
        float[] ma = GaussianBlur.blur(a, w, h, 1.5f);
        float[] mb = GaussianBlur.blur(b, w, h, 1.5f);
        float[] saa = GaussianBlur.blur(aa, w, h, 1.5f);
        float[] sbb = GaussianBlur.blur(bb, w, h, 1.5f);
        float[] sab = GaussianBlur.blur(ab, w, h, 1.5f);
        double c1 = 0.01 * 0.01;
        double c2 = 0.03 * 0.03;
        double sum = 0;
        long n = 0;
        for (int y = crop; y < h - crop; y++) {
            for (int x = crop; x < w - crop; x++) {
                int i = y * w + x;
                double mua = ma[i];
                double mub = mb[i];
                double va = saa[i] - mua * mua;
                double vb = sbb[i] - mub * mub;
                double cov = sab[i] - mua * mub;
                sum += ((2 * mua * mub + c1) * (2 * cov + c2)) / ((mua * mua + mub * mub + c1) * (va + vb + c2));
                n++;
            }
        }
        return sum / n;
    }

    /** Mean gradient magnitude of the luma (a sharpness measure: higher is crisper). */
    public static double gradientEnergy(ImageBuffer img, int crop) {
        float[] y = luma(img);
        int w = img.width();
        double sum = 0;
        long n = 0;
        for (int r = crop; r < img.height() - crop - 1; r++) {
            for (int x = crop; x < w - crop - 1; x++) {
                double gx = y[r * w + x + 1] - y[r * w + x];
                double gy = y[(r + 1) * w + x] - y[r * w + x];
                sum += Math.sqrt(gx * gx + gy * gy);
                n++;
            }
        }
        return sum / n;
    }

    private static void check(ImageBuffer a, ImageBuffer b) {
        if (a.width() != b.width() || a.height() != b.height()) {
            throw new IllegalArgumentException("sizes differ: " + a.width() + "x" + a.height() + " vs "
                    + b.width() + "x" + b.height());
        }
    }
}
