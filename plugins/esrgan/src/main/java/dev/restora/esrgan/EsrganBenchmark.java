package dev.restora.esrgan;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.SeededNoise;
import dev.restora.core.diffusion.StepListener;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.pipeline.Media;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.PipelineBenchmark;
import dev.restora.core.pipeline.RunContext;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code restora bench esrgan}: times the bundled esrgan-thick x4 on a synthetic textured 256x256 image (one tile,
 * 1024x1024 out; quick: 64x64) through the whole pipeline, after a small warm-up run. Peak memory is the process's
 * resident high-water mark ({@link PipelineBenchmark#peakResidentBytes()}).
 */
final class EsrganBenchmark implements PipelineBenchmark {
    @Override
    public Map<String, Object> run(Device device, PrintStream log, boolean quick) {
        int n = quick ? 64 : 256;
        EsrganVariant v = EsrganVariant.THICK_X4;
        Map<String, Object> out = new LinkedHashMap<>();
        try (NDManager weights = NDManager.newBaseManager(device)) {
            EsrganPipeline p = new EsrganPipeline(new EsrganProvider().descriptor(), EsrganModel.bundled(v, weights));
            long params = weights.getManagedArrays().stream().mapToLong(a -> a.size()).sum();
            ParameterValues defaults = ParameterValues.defaults(p.descriptor().parameters());
            log.println("esrgan: " + v.id() + " (" + params + " parameters), x4 upscale of " + n + "x" + n
                    + " (warm-up, then timed)");
            run(p, image(16), device, defaults);
            long t0 = System.nanoTime();
            run(p, image(n), device, defaults);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long outPixels = 16L * n * n;
            log.printf(java.util.Locale.ROOT, "esrgan: %.2f s (%.3f output megapixels per second)%n", seconds,
                    outPixels / 1e6 / seconds);
            out.put("parameters", params);
            out.put("model", v.id());
            out.put("threads", Runtime.getRuntime().availableProcessors());
            out.put("upscale_x4_" + n, Map.of("seconds", seconds, "peak_memory_bytes",
                    PipelineBenchmark.peakResidentBytes(), "input_pixels", (long) n * n, "output_pixels", outPixels));
            out.put("quick", quick);
        }
        return out;
    }

    private static void run(EsrganPipeline p, ImageBuffer in, Device device, ParameterValues params) {
        try (NDManager scope = NDManager.newBaseManager(device)) {
            p.run(Media.of(in), new RunContext(scope, device, params, new SeededNoise(0), StepListener.NONE,
                    new CancellationToken(), PreviewPolicy.OFF));
        }
    }

    /** A textured test picture (waves and noise), like the classic benchmark's. */
    static ImageBuffer image(int n) {
        float[] rgb = new float[3 * n * n];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < rgb.length; i++) {
            int x = i % n;
            int y = i / n % n;
            rgb[i] = (float) (0.5 + 0.3 * Math.sin(x * 0.21 + y * 0.13 + i / (n * n)) + 0.1 * r.nextDouble());
        }
        return ImageBuffer.rgb(n, n, rgb);
    }
}
