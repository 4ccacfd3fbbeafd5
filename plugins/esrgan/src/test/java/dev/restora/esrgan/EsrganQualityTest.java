package dev.restora.esrgan;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.SeededNoise;
import dev.restora.core.diffusion.StepListener;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.image.ImageCodec;
import dev.restora.core.image.ImageMetrics;
import dev.restora.core.image.ImageOps;
import dev.restora.core.image.Resampler;
import dev.restora.core.pipeline.Media;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.RunContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The x4 models on the clean references of test-assets/images (NAME_ref.png and its x4 shrink NAME_x4.png), PSNR
 * and SSIM of the luma with a 4 px border left out, as ClassicUpscalerQualityTest measures the classic upscaler;
 * printed as a table (the README's rows). The bundled thick x4 must beat bicubic in SSIM over all images and in
 * PSNR by 0.5 dB over the 8-bit ones: on the very smooth 16-bit gradient, whose bicubic enlargement is exact to
 * 74 dB, the networks (trained on 8-bit photographs) leave errors of about 1/1000.
 */
class EsrganQualityTest {
    static final Path IMAGES = Path.of("../../test-assets/images");
    static final int CROP = 4;

    static List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(IMAGES)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("_ref.png"))
                    .map(n -> n.substring(0, n.length() - "_ref.png".length()))
                    .filter(n -> Files.exists(IMAGES.resolve(n + "_x4.png"))).sorted().toList();
        }
    }

    @Test
    void thickX4BeatsBicubicOnTheTestImages() throws IOException {
        List<String> names = names();
        assertTrue(names.size() >= 3, "need the reference pairs in " + IMAGES.toAbsolutePath());
        List<EsrganVariant> variants = List.of(EsrganVariant.SLIM_X4, EsrganVariant.MEDIUM_X4, EsrganVariant.THICK_X4);
        double[][] sums = new double[variants.size() + 1][3];
        int eightBit = 0;
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%n%-14s %-18s %8s %8s%n", "image",
                "method", "PSNR-Y", "SSIM-Y"));
        try (NDManager weights = NDManager.newBaseManager()) {
            EsrganPipeline[] pipelines = new EsrganPipeline[variants.size()];
            for (int i = 0; i < pipelines.length; i++) {
                pipelines[i] = new EsrganPipeline(new EsrganProvider().descriptor(),
                        EsrganModel.load(variants.get(i), TestModels.files(variants.get(i)), weights));
            }
            for (String name : names) {
                ImageBuffer ref = ImageCodec.read(IMAGES.resolve(name + "_ref.png"));
                ImageBuffer in = ImageCodec.read(IMAGES.resolve(name + "_x4.png"));
                boolean deep = in.bitDepth() > 8;
                eightBit += deep ? 0 : 1;
                row(table, sums[0], name, "bicubic", ref,
                        ImageOps.resize(in, in.width() * 4, in.height() * 4, Resampler.Kernel.BICUBIC), deep);
                for (int i = 0; i < pipelines.length; i++) {
                    row(table, sums[i + 1], name, variants.get(i).id(), ref, upscale(pipelines[i], in), deep);
                }
            }
        }
        int n = names.size();
        for (int i = 0; i <= variants.size(); i++) {
            table.append(String.format(Locale.ROOT, "%-14s %-18s %8.2f %8.4f  (8-bit images: PSNR %.2f)%n", "MEAN",
                    i == 0 ? "bicubic" : variants.get(i - 1).id(), sums[i][0] / n, sums[i][1] / n,
                    sums[i][2] / eightBit));
        }
        System.out.println(table.append("(luma, border ").append(CROP).append(" px cropped)"));
        double[] thick = sums[variants.size()];
        assertTrue(thick[2] > sums[0][2] + 0.5 * eightBit, "thick x4 PSNR beats bicubic clearly on 8-bit images");
        assertTrue(thick[1] > sums[0][1], "thick x4 SSIM beats bicubic");
    }

    private static void row(StringBuilder table, double[] sum, String name, String method, ImageBuffer ref,
                            ImageBuffer out, boolean deep) {
        double psnr = ImageMetrics.psnr(ref, out, CROP);
        double ssim = ImageMetrics.ssim(ref, out, CROP);
        sum[0] += psnr;
        sum[1] += ssim;
        sum[2] += deep ? 0 : psnr;
        table.append(String.format(Locale.ROOT, "%-14s %-18s %8.2f %8.4f%n", name, method, psnr, ssim));
    }

    static ImageBuffer upscale(EsrganPipeline p, ImageBuffer in) {
        try (NDManager scope = NDManager.newBaseManager()) {
            RunContext ctx = new RunContext(scope, Device.cpu(), ParameterValues.defaults(p.descriptor().parameters()),
                    new SeededNoise(0), StepListener.NONE, new CancellationToken(), PreviewPolicy.OFF);
            return ((Media.Image) p.run(Media.of(in), ctx)).image();
        }
    }
}
