package dev.restora.resshift;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.SeededNoise;
import dev.restora.core.diffusion.StepListener;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.pipeline.Media;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.PipelineBenchmark;
import dev.restora.core.pipeline.RunContext;
import dev.restora.resshift.diffusion.ResShiftSampler;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@code restora bench resshift}: the v3 real-world SR model at released size (Swin-UNet 118.6 M, VQ-f4 55.3 M)
 * with random weights: one denoiser call at 64x64 and 128x128 latents and whole 4-step runs 64 -> 256 and
 * 128 -> 512 through the pipeline, each with a load calibration. Peak memory is the process's resident high-water mark
 * (reset before each measurement where Linux allows it).
 */
final class ResShiftBenchmark implements PipelineBenchmark {

    @Override
    public Map<String, Object> run(Device device, PrintStream log, boolean quick) {
        ResShiftVariant v = ResShiftModels.variants().get(0);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", v.id());
        out.put("device", device.toString());
        out.put("threads", System.getProperty("ai.djl.pytorch.num_threads", "default"));
        try (NDManager weights = NDManager.newBaseManager(device)) {
            log.println("building the released-size networks with random weights ...");
            ResShiftModel model = ResShiftModel.load(v, RandomWeights.unet(v.unet(), weights),
                    RandomWeights.vq(v.vq(), weights), weights);
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("unet", model.unet().parameterCount());
            params.put("vq", model.autoencoder().parameterCount());
            out.put("parameters", params);
            List<Map<String, Object>> ms = new ArrayList<>();
            calibration(weights);
            int large = Integer.getInteger(LARGE_OUTPUT_PROPERTY, 0);
            if (large > 0) {
                // only the large tiled run: its peak memory is the figure asked for (a 2048 x 2048 output)
                int lq = large / v.scale();
                int tile = Integer.getInteger(LARGE_TILE_PROPERTY, 0);
                ms.add(measure("run_v3_" + lq + "_to_" + large + "_tiled", 1, log, weights,
                        () -> wholeRun(model, device, weights, lq, tile)));
                out.put("measurements", ms);
                return out;
            }
            int[] latents = quick ? new int[] {64} : new int[] {64, 128};
            for (int s : latents) {
                ms.add(measure("unet_call_" + s + "x" + s, quick || s > 64 ? 1 : 3, log, weights,
                        () -> unetCall(model, weights, s)));
            }
            int[] sizes = quick ? new int[] {16} : new int[] {64, 128};
            for (int s : sizes) {
                ms.add(measure("run_v3_" + s + "_to_" + s * 4, 1, log, weights,
                        () -> wholeRun(model, device, weights, s, s)));
            }
            out.put("measurements", ms);
        }
        return out;
    }

    /**
     * {@code -Drestora.bench.resshift.output=2048}: measure only a whole tiled v3 run to that output size (square),
     * for its peak memory; {@code -Drestora.bench.resshift.tile=N} fixes the LQ tile size (default: automatic).
     */
    static final String LARGE_OUTPUT_PROPERTY = "restora.bench.resshift.output";
    static final String LARGE_TILE_PROPERTY = "restora.bench.resshift.tile";

    /** DJL's 3x3 conv 128->128 on 1x128x256x256, 2 threads, idle machine (djl-setup.md). */
    static final double IDLE_CONV_SECONDS = 0.121;

    private static void calibration(NDManager weights) {
        try (NDManager scope = weights.newSubManager()) {
            NDArray x = scope.randomNormal(new Shape(1, 128, 256, 256));
            NDArray w = scope.randomNormal(new Shape(128, 128, 3, 3));
            new dev.restora.core.nn.Conv2d(w, null, 1, 1, 1, 1, dev.restora.core.nn.PaddingMode.ZEROS).forward(x)
                    .toFloatArray();
        }
    }

    private interface Work {
        void run();
    }

    /**
     * Times {@code w} (median of {@code repeats}); the machine is shared, so a 3x3 conv 128->128 on 1x128x256x256
     * (121 ms through DJL on an idle machine, djl-setup.md) is timed right before, and {@code normalized_seconds}
     * scales the figure to that idle speed.
     */
    private static Map<String, Object> measure(String name, int repeats, PrintStream log, NDManager weights, Work w) {
        double[] cal = new double[3];
        for (int i = 0; i < cal.length; i++) {
            long t0 = System.nanoTime();
            calibration(weights);
            cal[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(cal);
        double load = cal[1] / IDLE_CONV_SECONDS;
        if (repeats > 1) {
            log.println(name + ": warm-up ...");
            w.run();
        }
        resetPeak();
        double[] secs = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            w.run();
            secs[i] = (System.nanoTime() - t0) / 1e9;
            log.printf("%s: run %d: %.2f s (load factor %.1f)%n", name, i + 1, secs[i], load);
        }
        Arrays.sort(secs);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("seconds", secs[repeats / 2]);
        m.put("runs", repeats);
        m.put("load_factor", load);
        m.put("normalized_seconds", secs[repeats / 2] / load);
        m.put("peak_memory_bytes", PipelineBenchmark.peakResidentBytes());
        return m;
    }

    private static void unetCall(ResShiftModel model, NDManager weights, int s) {
        try (NDManager scope = weights.newSubManager()) {
            NDArray x = scope.randomNormal(new Shape(1, 3, s, s));
            NDArray lq = scope.randomUniform(-1, 1, new Shape(1, 3, s, s));
            NDArray out = model.unet().forward(x, ResShiftSampler.timesteps(scope, 1, 3), lq);
            out.toFloatArray();
        }
    }

    /** @param tile the tile size in LQ pixels (0: chosen from the memory available, as in normal use) */
    private static void wholeRun(ResShiftModel model, Device device, NDManager weights, int s, int tile) {
        ResShiftPipeline p = new ResShiftPipeline(new ResShiftProvider().descriptor(), model, device, weights);
        float[] rgb = new float[3 * s * s];
        Random r = new Random(1);
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = r.nextFloat();
        }
        try (NDManager scope = weights.newSubManager()) {
            Map<String, Object> params = Map.of(ResShiftProvider.TILE_SIZE, tile);
            RunContext ctx = new RunContext(scope, device, ParameterValues.of(ResShiftProvider.parameters(), params),
                    new SeededNoise(1), StepListener.NONE, new CancellationToken(), PreviewPolicy.OFF);
            p.run(Media.of(ImageBuffer.rgb(s, s, rgb)), ctx);
        }
    }

    /** Resets the kernel's peak-RSS counter (Linux: write 5 to /proc/self/clear_refs); best effort. */
    private static void resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // not Linux or not permitted: the peak then covers the process's life
        }
    }
}
