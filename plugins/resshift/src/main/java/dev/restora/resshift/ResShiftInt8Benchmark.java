package dev.restora.resshift;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.SeededNoise;
import dev.restora.core.diffusion.StepListener;
import dev.restora.core.engine.CpuInfo;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.nn.ConvHook;
import dev.restora.core.nn.quant.Deviation;
import dev.restora.core.nn.quant.Int8Ab;
import dev.restora.core.nn.quant.Int8Calibration;
import dev.restora.core.nn.quant.Int8Network;
import dev.restora.core.nn.quant.Int8Support;
import dev.restora.core.pipeline.Media;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.RunContext;
import dev.restora.resshift.diffusion.ResShiftSampler;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The int8 figures of {@code restora bench resshift} (new names, beside the exact ones): a whole v3 64 -> 256 run
 * with {@code fast_mode=int8} against exact (A/B alternating, with the one-time calibration timed apart and the
 * output PSNR against exact), then with that calibration one UNet call at a 64x64 latent and one VQ decode to
 * 256 x 256, each A/B with its output's deviation, and one 128 -> 512 run each way (single runs, as the official
 * script times that run). The whole runs' {@code seconds} are the int8 medians, so that {@code --reference} prints
 * them against the official runs. Random weights: the deviation of a trained network differs.
 */
final class ResShiftInt8Benchmark {
    /** {@code -Drestora.bench.int8=false} leaves the int8 figures out. */
    static final String PROPERTY = "restora.bench.int8";
    private static final int S = 64;

    private ResShiftInt8Benchmark() {
    }

    static List<Map<String, Object>> run(ResShiftModel model, Device device, NDManager weights, PrintStream log,
                                         int pairs) {
        List<Map<String, Object>> ms = new ArrayList<>();
        if ("false".equals(System.getProperty(PROPERTY))) {
            return ms;
        }
        if (!Int8Support.supported(CpuInfo.current()) || !Device.Type.CPU.equals(device.getDeviceType())) {
            ms.add(Map.of("name", "int8_run_v3_" + S + "_to_" + S * 4, "skipped", "needs a CPU with VNNI/AMX"));
            return ms;
        }
        ResShiftPipeline p = new ResShiftPipeline(new ResShiftProvider().descriptor(), model, device, weights);
        ImageBuffer img = randomImage(S, 1);
        float[][] last = new float[2][];
        Runnable exact = () -> last[0] = run(p, img, device, weights, ResShiftProvider.EXACT);
        Runnable int8 = () -> last[1] = run(p, img, device, weights, Int8Calibration.INT8);
        log.println("int8: calibrating (first int8 run) ...");
        long t0 = System.nanoTime();
        int8.run();
        double firstRun = (System.nanoTime() - t0) / 1e9;
        log.printf("int8: first int8 run incl. calibration %.1f s%n", firstRun);
        Int8Network net = p.int8Network();
        Map<String, Object> whole = new LinkedHashMap<>();
        whole.put("name", "int8_run_v3_" + S + "_to_" + S * 4);
        whole.put("calibration_seconds", net.calibrationSeconds());
        whole.put("first_int8_run_seconds_incl_calibration", firstRun);
        whole.put("int8_convolutions", net.int8Layers());
        whole.put("float32_convolutions", net.floatLayers());
        whole.put("int8_linear_layers", net.int8Linears());
        // both paths have run (the calibration is a float32 run): no further warm-up
        Map<String, Object> ab = Int8Ab.compare(pairs, false, exact, int8, log, "int8_run_v3_" + S + "_to_" + S * 4);
        whole.put("ab", ab);
        whole.put("seconds", ab.get("int8_seconds"));
        whole.put("psnr_db_vs_exact", Deviation.psnr(last[0], last[1], 1.0));
        ms.add(whole);

        ms.add(part("int8_unet_call_" + S + "x" + S, net, pairs, log, scope -> {
            NDArray x = scope.randomNormal(new Shape(1, 3, S, S));
            NDArray lq = scope.randomUniform(-1, 1, new Shape(1, 3, S, S));
            return model.unet().forward(x, ResShiftSampler.timesteps(scope, 1, 3), lq);
        }, weights));
        ms.add(part("int8_vq_decode_" + S * 4, net, pairs, log, scope -> model.decode(
                scope.randomNormal(new Shape(1, model.autoencoder().config().embedDim(), S, S))), weights));
        ms.add(largeRun(p, 2 * S, device, weights, log));
        return ms;
    }

    /** One whole run each way on an s x s input in one tile (the model's calibration is reused). */
    private static Map<String, Object> largeRun(ResShiftPipeline p, int s, Device device, NDManager weights,
                                                PrintStream log) {
        String name = "int8_run_v3_" + s + "_to_" + s * 4;
        ImageBuffer img = randomImage(s, 2);
        float[][] last = new float[2][];
        Map<String, Object> ab = Int8Ab.compare(1, false,
                () -> last[0] = run(p, img, device, weights, ResShiftProvider.EXACT),
                () -> last[1] = run(p, img, device, weights, Int8Calibration.INT8), log, name);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("ab", ab);
        m.put("seconds", ab.get("int8_seconds"));
        m.put("psnr_db_vs_exact", Deviation.psnr(last[0], last[1], 1.0));
        return m;
    }

    private static ImageBuffer randomImage(int s, long seed) {
        float[] rgb = new float[3 * s * s];
        Random r = new Random(seed);
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = r.nextFloat();
        }
        return ImageBuffer.rgb(s, s, rgb);
    }

    private interface Call {
        NDArray apply(NDManager scope);
    }

    /** A/B of one call, same random inputs both ways (seeded), and the relative RMS deviation of its output. */
    private static Map<String, Object> part(String name, Int8Network net, int pairs, PrintStream log, Call call,
                                            NDManager weights) {
        float[][] out = new float[2][];
        Runnable exact = () -> out[0] = once(call, weights, null);
        Runnable int8 = () -> out[1] = once(call, weights, net);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("ab", Int8Ab.compare(pairs, exact, int8, log, name));
        m.put("relative_rms_deviation", Deviation.relativeRms(out[0], out[1]));
        return m;
    }

    private static float[] once(Call call, NDManager weights, Int8Network net) {
        try (NDManager scope = weights.newSubManager()) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(11);
            if (net == null) {
                return call.apply(scope).toFloatArray();
            }
            try (ConvHook.Installed q = net.quantized()) {
                return call.apply(scope).toFloatArray();
            }
        }
    }

    private static float[] run(ResShiftPipeline p, ImageBuffer img, Device device, NDManager weights, String mode) {
        try (NDManager scope = weights.newSubManager()) {
            ParameterValues params = ParameterValues.of(ResShiftProvider.parameters(),
                    Map.of(ResShiftProvider.FAST_MODE, mode, ResShiftProvider.TILE_SIZE, img.width()));
            RunContext ctx = new RunContext(scope, device, params, new SeededNoise(1), StepListener.NONE,
                    new CancellationToken(), PreviewPolicy.OFF);
            return ((Media.Image) p.run(Media.of(img), ctx)).image().rgb();
        }
    }
}
