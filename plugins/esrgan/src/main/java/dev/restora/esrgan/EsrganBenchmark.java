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
            if (!quick && !"false".equals(System.getProperty("restora.bench.int8"))) {
                out.put("int8_upscale_x4_" + n, int8(p, image(n), device, log, n));
            }
        }
        return out;
    }

    /**
     * fast_mode=int8 against exact on the same image: calibration (one float32 pass on the centre 64 px crop) timed
     * by the first int8 run, then A/B alternating ({@code -Drestora.bench.ab.pairs}, default 3), and the PSNR of
     * the int8 output against the exact one.
     */
    private static Map<String, Object> int8(EsrganPipeline p, ImageBuffer img, Device device, PrintStream log, int n) {
        if (!dev.restora.core.nn.quant.Int8Support.supported(dev.restora.core.engine.CpuInfo.current())) {
            return Map.of("skipped", "needs a CPU with VNNI/AMX");
        }
        ParameterValues exact = ParameterValues.of(p.descriptor().parameters(),
                Map.of(EsrganProvider.FAST_MODE, EsrganProvider.EXACT));
        ParameterValues int8 = ParameterValues.of(p.descriptor().parameters(),
                Map.of(EsrganProvider.FAST_MODE, dev.restora.core.nn.quant.Int8Calibration.INT8));
        float[][] last = new float[2][];
        long t0 = System.nanoTime();
        run(p, img, device, int8);
        double first = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("first_int8_run_seconds_incl_calibration", first);
        m.put("calibration_seconds", p.int8Network().calibrationSeconds());
        m.put("int8_convolutions", p.int8Network().int8Layers());
        m.put("float32_convolutions", p.int8Network().floatLayers());
        m.put("ab", dev.restora.core.nn.quant.Int8Ab.compare(Integer.getInteger("restora.bench.ab.pairs", 3),
                () -> last[0] = runOut(p, img, device, exact), () -> last[1] = runOut(p, img, device, int8), log,
                "int8_upscale_x4_" + n));
        m.put("psnr_db_vs_exact", dev.restora.core.nn.quant.Deviation.psnr(last[0], last[1], 1.0));
        return m;
    }

    private static float[] runOut(EsrganPipeline p, ImageBuffer in, Device device, ParameterValues params) {
        try (NDManager scope = NDManager.newBaseManager(device)) {
            return ((Media.Image) p.run(Media.of(in), new RunContext(scope, device, params, new SeededNoise(0),
                    StepListener.NONE, new CancellationToken(), PreviewPolicy.OFF))).image().rgb();
        }
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
