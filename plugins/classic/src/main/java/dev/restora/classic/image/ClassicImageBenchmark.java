package dev.restora.classic.image;

import ai.djl.Device;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.pipeline.PipelineBenchmark;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code restora bench classic-image}: times the x4 upscale of a synthetic textured image (512x512, quick 128x128)
 * with the default settings. Plain Java, so the device is ignored. Peak memory is the working set the method needs
 * (input, estimate, back-projection and sharpening buffers), computed from the sizes.
 */
final class ClassicImageBenchmark implements PipelineBenchmark {
    @Override
    public Map<String, Object> run(Device device, PrintStream log, boolean quick) {
        int n = quick ? 128 : 512;
        float[] rgb = new float[3 * n * n];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < rgb.length; i++) {
            int x = i % n;
            int y = i / n % n;
            rgb[i] = (float) (0.5 + 0.3 * Math.sin(x * 0.21 + y * 0.13) + 0.1 * r.nextDouble());
        }
        ImageBuffer in = ImageBuffer.rgb(n, n, rgb);
        ClassicUpscaler.Settings s = new ClassicUpscaler.Settings(4, 2, 0.6);
        log.println("classic-image: x4 upscale of " + n + "x" + n + " (warm-up, then timed)");
        ClassicUpscaler.upscale(ImageBuffer.rgb(32, 32, new float[3 * 32 * 32]), s, null, null, null);
        long t0 = System.nanoTime();
        ClassicUpscaler.upscale(in, s, null, null, null);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long big = 16L * n * n;
        long peak = 12L * n * n + ClassicUpscaler.workingMemory(big);
        log.printf("classic-image: %.3f s (%.2f output megapixels per second)%n", seconds, big / 1e6 / seconds);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("parameters", 0L);
        out.put("threads", Runtime.getRuntime().availableProcessors());
        out.put("upscale_x4_" + n, Map.of("seconds", seconds, "peak_memory_bytes", peak,
                "input_pixels", (long) n * n, "output_pixels", big));
        out.put("quick", quick);
        return out;
    }
}
