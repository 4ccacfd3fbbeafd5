package dev.restora.classic.image;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.core.image.ImageBuffer;
import dev.restora.core.image.ImageCodec;
import dev.restora.core.image.ImageMetrics;
import dev.restora.core.image.ImageOps;
import dev.restora.core.image.Resampler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Measures the classic upscaler against the clean references of test-assets/images (NAME_ref.png with its x4
 * shrink NAME_x4.png): PSNR and SSIM of the luma against nearest neighbour, bicubic and Lanczos-3, printed as a
 * table. It must beat nearest neighbour, be at least on par with bicubic in PSNR, and better than it in SSIM and
 * in sharpness (gradient energy closer to the reference's).
 */
class ClassicUpscalerQualityTest {
    static final Path IMAGES = Path.of("../../test-assets/images");
    static final int CROP = 4;

    record Scores(double psnr, double ssim, double sharp) {
    }

    static List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(IMAGES)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("_ref.png"))
                    .map(n -> n.substring(0, n.length() - "_ref.png".length()))
                    .filter(n -> Files.exists(IMAGES.resolve(n + "_x4.png"))).sorted().toList();
        }
    }

    static Scores score(ImageBuffer ref, ImageBuffer out) {
        return new Scores(ImageMetrics.psnr(ref, out, CROP), ImageMetrics.ssim(ref, out, CROP),
                ImageMetrics.gradientEnergy(out, CROP) / ImageMetrics.gradientEnergy(ref, CROP));
    }

    static ImageBuffer interp(ImageBuffer in, Resampler.Kernel k) {
        return ImageOps.resize(in, in.width() * 4, in.height() * 4, k);
    }

    @Test
    void beatsNearestAndBicubicOnTheTestImages() throws IOException {
        List<String> names = names();
        assertTrue(names.size() >= 3, "need the reference pairs in " + IMAGES.toAbsolutePath() + ": " + names);
        String[] methods = {"nearest", "bicubic", "lanczos3", "classic"};
        double[][] sums = new double[methods.length][3];
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "%n%-14s %-9s %8s %8s %8s%n", "image", "method", "PSNR-Y", "SSIM-Y", "sharp"));
        ClassicUpscaler.Settings defaults = ClassicImageProvider.settings(
                dev.restora.core.pipeline.ParameterValues.defaults(new ClassicImageProvider().descriptor().parameters()));
        for (String name : names) {
            ImageBuffer ref = ImageCodec.read(IMAGES.resolve(name + "_ref.png"));
            ImageBuffer in = ImageCodec.read(IMAGES.resolve(name + "_x4.png"));
            List<ImageBuffer> outs = new ArrayList<>();
            outs.add(interp(in, Resampler.Kernel.NEAREST));
            outs.add(interp(in, Resampler.Kernel.BICUBIC));
            outs.add(interp(in, Resampler.Kernel.LANCZOS3));
            outs.add(ClassicUpscaler.upscale(in, defaults, null, null, null));
            for (int m = 0; m < methods.length; m++) {
                Scores s = score(ref, outs.get(m));
                sums[m][0] += s.psnr();
                sums[m][1] += s.ssim();
                sums[m][2] += s.sharp();
                table.append(String.format(Locale.ROOT, "%-14s %-9s %8.2f %8.4f %8.3f%n", name, methods[m],
                        s.psnr(), s.ssim(), s.sharp()));
            }
        }
        for (int m = 0; m < methods.length; m++) {
            table.append(String.format(Locale.ROOT, "%-14s %-9s %8.2f %8.4f %8.3f%n", "MEAN", methods[m],
                    sums[m][0] / names.size(), sums[m][1] / names.size(), sums[m][2] / names.size()));
        }
        table.append("(luma, border ").append(CROP).append(" px cropped; sharp = gradient energy / reference's)");
        System.out.println(table);
        double n = names.size();
        assertTrue(sums[3][0] > sums[0][0] + 0.5 * n, "PSNR beats nearest neighbour clearly");
        assertTrue(sums[3][0] >= sums[1][0], "PSNR at least on par with bicubic");
        assertTrue(sums[3][1] > sums[1][1], "SSIM better than bicubic");
        assertTrue(Math.abs(1 - sums[3][2] / n) < Math.abs(1 - sums[1][2] / n),
                "sharpness closer to the reference than bicubic's");
    }

    /** A bench, not a check: prints the parameter sweep used to choose the defaults. */
    @Test
    @EnabledIfSystemProperty(named = "restora.classic.sweep", matches = "true",
            disabledReason = "a bench: -Drestora.classic.sweep=true prints the sweep used to choose the defaults")
    void parameterSweep() throws IOException {
        List<String> names = names();
        List<ImageBuffer[]> pairs = new ArrayList<>();
        for (String name : names) {
            pairs.add(new ImageBuffer[] {ImageCodec.read(IMAGES.resolve(name + "_ref.png")),
                ImageCodec.read(IMAGES.resolve(name + "_x4.png"))});
        }
        for (int bp : new int[] {0, 1, 2, 4, 6, 10}) {
            for (double sh : new double[] {0, 0.3, 0.6, 1.0, 1.5}) {
                double p = 0;
                double ss = 0;
                double sharp = 0;
                for (ImageBuffer[] pr : pairs) {
                    Scores s = score(pr[0], ClassicUpscaler.upscale(pr[1], new ClassicUpscaler.Settings(4, bp, sh),
                            null, null, null));
                    p += s.psnr();
                    ss += s.ssim();
                    sharp += s.sharp();
                }
                System.out.printf(Locale.ROOT, "bp=%2d sharpen=%.1f  PSNR %.3f  SSIM %.4f  sharp %.3f%n", bp, sh,
                        p / pairs.size(), ss / pairs.size(), sharp / pairs.size());
            }
        }
    }
}
