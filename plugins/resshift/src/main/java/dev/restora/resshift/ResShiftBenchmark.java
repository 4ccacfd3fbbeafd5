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
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.nn.MacCounter;
import dev.restora.core.nn.quant.Deviation;
import dev.restora.core.nn.Precision;
import dev.restora.core.pipeline.AbTimer;
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
import java.util.function.Supplier;

/**
 * {@code restora bench resshift}: the v3 real-world SR model at released size (Swin-UNet 118.6 M, VQ-f4 55.3 M)
 * with random weights: one denoiser call at 64x64 and 128x128 latents, the VQ encode (bicubic x4 included) and
 * decode of a 128 -> 512 run, and whole 4-step runs 64 -> 256 and 128 -> 512 through the pipeline. Each measurement
 * reports its multiply-accumulates (counted while it runs), the GFLOP/s achieved and the speed of a 3x3 convolution
 * measured right before it (the ceiling, and on a shared machine a sign of how busy it was). Peak memory is the
 * process's resident high-water mark (reset before each measurement where Linux allows it). No reference figure is
 * held here: {@code restora bench resshift --reference FILE} compares with the official code timed in the same
 * sitting ({@link #referenceKeys()}). The *_float16 figures run the same networks in the APPROXIMATE half precision
 * (float16 copies of the weights); {@code -Drestora.bench.ab=restora.bench.resshift.half} times every measurement
 * float32 (off) against float16 (on) alternately in one process.
 */
final class ResShiftBenchmark implements PipelineBenchmark {

    @Override
    public Map<String, String> referenceKeys() {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("unet_call_64x64", "unet_call_lq64");
        k.put("unet_call_128x128", "unet_call_lq128");
        k.put("vq_encode_128_to_512", "vq_encode_incl_bicubic_lq128");
        k.put("vq_decode_512", "vq_decode_512");
        k.put("run_v3_64_to_256", "whole_run_lq64_to_256");
        k.put("run_v3_128_to_512", "whole_run_lq128_to_512");
        // the int8 fast mode's whole runs against the same official (float32) runs
        k.put("int8_run_v3_64_to_256", "whole_run_lq64_to_256");
        k.put("int8_run_v3_128_to_512", "whole_run_lq128_to_512");
        return k;
    }

    @Override
    public Map<String, Object> run(Device device, PrintStream log, boolean quick) {
        ResShiftVariant v = ResShiftModels.variants().get(0);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", v.id());
        out.put("device", device.toString());
        out.put("threads", System.getProperty("ai.djl.pytorch.num_threads", "default"));
        try (NDManager weights = NDManager.newBaseManager(device)) {
            log.println("building the released-size networks with random weights (seed 0) ...");
            // seeded: the same weights in every process, so the deviation figures of two runs compare
            ai.djl.engine.Engine.getInstance().setRandomSeed(0);
            StateDict unetWeights = RandomWeights.unet(v.unet(), weights);
            StateDict vqWeights = RandomWeights.vq(v.vq(), weights);
            ResShiftModel model32 = ResShiftModel.load(v, unetWeights, vqWeights, weights);
            // the same weights in half precision (float16 copies): the *_float16 figures, and with
            // -Drestora.bench.ab=restora.bench.resshift.half every measurement A/B float32 (off) vs float16 (on)
            ResShiftModel[] halfModel = new ResShiftModel[1];
            Supplier<ResShiftModel> half = () -> {
                if (halfModel[0] == null) {
                    halfModel[0] = ResShiftModel.load(v, unetWeights, vqWeights, weights, Precision.FLOAT16);
                }
                return halfModel[0];
            };
            Supplier<ResShiftModel> models = () -> Boolean.getBoolean(HALF_PROPERTY) ? half.get() : model32;
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("unet", model32.unet().parameterCount());
            params.put("vq", model32.autoencoder().parameterCount());
            out.put("parameters", params);
            List<Map<String, Object>> ms = new ArrayList<>();
            int large = Integer.getInteger(LARGE_OUTPUT_PROPERTY, 0);
            if (large > 0) {
                // only the large tiled run: its peak memory is the figure asked for (a 2048 x 2048 output)
                int lq = large / v.scale();
                int tile = Integer.getInteger(LARGE_TILE_PROPERTY, 0);
                ms.add(measure("run_v3_" + lq + "_to_" + large + "_tiled", 1, log, device,
                        () -> wholeRun(model32, device, weights, lq, tile)));
                out.put("measurements", ms);
                return out;
            }
            // repeats as the official timing script takes them (time_reference.py): network calls the median of
            // 5 after one warm-up call, the 64 -> 256 run the median of 3 after one warm-up, the VQ passes and the
            // 128 -> 512 run a single run each
            int[] latents = quick ? new int[] {64} : new int[] {64, 128};
            for (int s : latents) {
                ms.add(measure("unet_call_" + s + "x" + s, quick ? 1 : 5, log, device,
                        () -> unetCall(models.get(), weights, s)));
            }
            int vqLq = quick ? 16 : 128;
            ms.add(measure("vq_encode_" + vqLq + "_to_" + vqLq * 4, 1, log, device,
                    () -> vqEncode(models.get(), weights, vqLq)));
            ms.add(measure("vq_decode_" + vqLq * 4, 1, log, device, () -> vqDecode(models.get(), weights, vqLq)));
            int[] sizes = quick ? new int[] {16} : new int[] {64, 128};
            for (int s : sizes) {
                ms.add(measure("run_v3_" + s + "_to_" + s * 4, quick || s > 64 ? 1 : 3, log, device,
                        () -> wholeRun(models.get(), device, weights, s, s)));
            }
            if (AbTimer.requested() == null) {
                // half precision (APPROXIMATE, meant for GPUs; slower than float32 on a CPU). How far its output
                // moves is measured on the fixture checkpoints (HalfPrecisionTest): random weights say nothing there
                ms.add(measure("unet_call_64x64_float16", quick ? 1 : 3, log, device,
                        () -> unetCall(half.get(), weights, 64)));
                if (!quick) {
                    ms.add(measure("run_v3_64_to_256_float16", 1, log, device,
                            () -> wholeRun(half.get(), device, weights, 64, 64)));
                }
            }
            int ep = quick ? 16 : 64;
            ms.add(encoderPropagation("run_v3_" + ep + "_to_" + ep * 4 + "_encoder_propagation", model32, device,
                    weights, ep, quick ? 1 : Integer.getInteger(AB_PAIRS_PROPERTY, 3), log));
            String only = System.getProperty(ONLY_PROPERTY);
            if (!quick && (only == null || only.contains("int8"))) {
                ms.addAll(ResShiftInt8Benchmark.run(model32, device, weights, log,
                        Integer.getInteger(AB_PAIRS_PROPERTY, 3)));
            }
            out.put("measurements", ms);
        }
        out.put("peak_memory_bytes", PipelineBenchmark.peakResidentBytes());
        return out;
    }

    /**
     * {@code -Drestora.bench.resshift.output=2048}: measure only a whole tiled v3 run to that output size (square),
     * for its peak memory; {@code -Drestora.bench.resshift.tile=N} fixes the LQ tile size (default: automatic).
     */
    static final String LARGE_OUTPUT_PROPERTY = "restora.bench.resshift.output";
    static final String LARGE_TILE_PROPERTY = "restora.bench.resshift.tile";
    /** {@code -Drestora.bench.only=name,name}: run only these measurements (the others are listed as skipped). */
    static final String ONLY_PROPERTY = "restora.bench.only";
    /** With {@code -Drestora.bench.ab=PROPERTY}: how many A/B pairs per measurement (default 3). */
    static final String AB_PAIRS_PROPERTY = "restora.bench.ab.pairs";

    private interface Work {
        void run();
    }

    /**
     * Times {@code w} (median of {@code repeats}, after a warm-up when repeated), counting its MACs, with the 3x3-conv
     * ceiling measured right before.
     */
    private static Map<String, Object> measure(String name, int repeats, PrintStream log, Device device, Work w) {
        String only = System.getProperty(ONLY_PROPERTY);
        if (only != null && !java.util.Arrays.asList(only.split(",")).contains(name)) {
            return Map.of("name", name, "skipped", ONLY_PROPERTY + "=" + only);
        }
        String ab = AbTimer.requested();
        if (ab != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("ab", AbTimer.compare(ab, Integer.getInteger(AB_PAIRS_PROPERTY, 3), w::run, log, name));
            return m;
        }
        double ceiling = PipelineBenchmark.conv3x3Gflops(device, 256, 256);
        if (repeats > 1) {
            log.println(name + ": warm-up ...");
            w.run();
        }
        resetPeak();
        boolean cpu = device.getDeviceType().equals(Device.Type.CPU);
        double[] secs = new double[repeats];
        double[] convSecs = new double[repeats];
        long macs = 0;
        long convMacs = 0;
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            try (MacCounter count = MacCounter.start()) {
                w.run();
                macs = count.macs();
                convMacs = count.convolutionMacs();
                convSecs[i] = count.convolutionSeconds();
            }
            secs[i] = (System.nanoTime() - t0) / 1e9;
            // on a GPU the engine only queues a convolution: its time there says nothing
            String conv = cpu && convSecs[i] > 0 ? String.format(", convolutions %.2f s at %.1f GFLOP/s", convSecs[i],
                    2 * convMacs / 1e9 / convSecs[i]) : "";
            log.printf("%s: run %d: %.2f s (%.1f GFLOP/s%s; 3x3 conv now %.1f GFLOP/s)%n", name, i + 1, secs[i],
                    2 * macs / 1e9 / secs[i], conv, ceiling);
        }
        double[] sorted = secs.clone();
        Arrays.sort(sorted);
        double median = sorted[repeats / 2];
        int mid = 0;
        while (secs[mid] != median) {
            mid++; // the median run, whose convolution time is reported with it
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("seconds", median);
        m.put("runs", repeats);
        m.put("gmacs", macs / 1e9);
        m.put("achieved_gflops", 2 * macs / 1e9 / median);
        if (cpu && convSecs[mid] > 0) {
            // the float convolutions alone in the median run: what an exact network cannot go below on this CPU
            m.put("convolution_seconds", convSecs[mid]);
            m.put("convolution_gmacs", convMacs / 1e9);
            m.put("convolution_gflops", 2 * convMacs / 1e9 / convSecs[mid]);
        }
        m.put("conv3x3_128ch_gflops_same_run", ceiling);
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

    /** The official encode_first_stage: bicubic x4 of the LQ, then the VQ encoder. */
    private static void vqEncode(ResShiftModel model, NDManager weights, int s) {
        try (NDManager scope = weights.newSubManager()) {
            NDArray lq = scope.randomUniform(-1, 1, new Shape(1, 3, s, s));
            model.encode(model.encoderInput(lq)).toFloatArray();
        }
    }

    /** The VQ decoder (codebook lookup included) from a latent of the LQ's size to the output. */
    private static void vqDecode(ResShiftModel model, NDManager weights, int s) {
        try (NDManager scope = weights.newSubManager()) {
            NDArray z = scope.randomNormal(new Shape(1, model.autoencoder().config().embedDim(), s, s));
            model.decode(z).toFloatArray();
        }
    }

    /** A/B property of the benchmark: with it true the measurements run the half-precision instance. */
    static final String HALF_PROPERTY = "restora.bench.resshift.half";

    /**
     * @param tile the tile size in LQ pixels (0: chosen from the memory available, as in normal use)
     */
    private static void wholeRun(ResShiftModel model, Device device, NDManager weights, int s, int tile) {
        wholeRun(model, device, weights, s, tile, Map.of());
    }

    /** The same with more parameters; returns the output pixels. */
    private static float[] wholeRun(ResShiftModel model, Device device, NDManager weights, int s, int tile,
                                    Map<String, Object> extra) {
        float[] rgb = new float[3 * s * s];
        Random r = new Random(1);
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = r.nextFloat();
        }
        return run(model, device, weights, ImageBuffer.rgb(s, s, rgb), tile, extra);
    }

    private static float[] run(ResShiftModel model, Device device, NDManager weights, ImageBuffer image, int tile,
                               Map<String, Object> extra) {
        ResShiftPipeline p = new ResShiftPipeline(new ResShiftProvider().descriptor(), model, device, weights);
        try (NDManager scope = weights.newSubManager()) {
            Map<String, Object> params = new java.util.HashMap<>(extra);
            params.put(ResShiftProvider.TILE_SIZE, tile);
            params.put(ResShiftProvider.PRECISION, model.precision().id());
            RunContext ctx = new RunContext(scope, device, ParameterValues.of(ResShiftProvider.parameters(), params),
                    new SeededNoise(1), StepListener.NONE, new CancellationToken(), PreviewPolicy.OFF);
            return ((Media.Image) p.run(Media.of(image), ctx)).image().rgb();
        }
    }

    /** Switches {@link #encoderPropagation}'s whole runs between exact (false) and encoder propagation (true). */
    private static final String EP_PROPERTY = "restora.bench.resshift.encoderPropagation";

    /**
     * Encoder propagation (APPROXIMATE, default key steps {@code auto}: the encoder at steps 0 and 2 of 4) against
     * exact: whole 4-step runs alternating exact and approximate in this process ({@link AbTimer}, medians and the
     * ratio; on a busy machine the ratio is what holds), the multiply-accumulates of each (load-independent), the
     * PSNR of the approximate output against the exact one with the same seed (released-size random weights), and,
     * given {@code -Drestora.parity.dir}, the same PSNR on the public fixture model (pipe_32x32).
     */
    private static Map<String, Object> encoderPropagation(String name, ResShiftModel model, Device device,
                                                          NDManager weights, int s, int pairs, PrintStream log) {
        String only = System.getProperty(ONLY_PROPERTY);
        if (only != null && !java.util.Arrays.asList(only.split(",")).contains(name)) {
            return Map.of("name", name, "skipped", ONLY_PROPERTY + "=" + only);
        }
        Map<String, Object> approximate = Map.of(ResShiftProvider.FAST_MODE, ResShiftProvider.ENCODER_PROPAGATION);
        float[][] outputs = new float[2][];
        long[] macs = new long[2];
        Map<String, Object> ab = AbTimer.compare(EP_PROPERTY, pairs, () -> {
            int i = Boolean.getBoolean(EP_PROPERTY) ? 1 : 0;
            try (MacCounter count = MacCounter.start()) {
                outputs[i] = wholeRun(model, device, weights, s, s, i == 1 ? approximate : Map.of());
                macs[i] = count.macs();
            }
        }, log, name);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("mode", "APPROXIMATE: fast_mode=encoder-propagation, key_steps=auto (encoder at steps 0 and 2 of 4)");
        m.put("seconds", ab.get("on_seconds"));
        m.put("exact_seconds_same_process", ab.get("off_seconds"));
        m.put("ratio_to_exact", ab.get("ratio_on_off"));
        m.put("ab", ab);
        m.put("gmacs", macs[1] / 1e9);
        m.put("exact_gmacs", macs[0] / 1e9);
        m.put("macs_ratio_to_exact", macs[1] / (double) macs[0]);
        m.put("psnr_vs_exact_random_weights_db", Deviation.psnr(outputs[0], outputs[1], 1.0));
        m.put("psnr_vs_exact_fixture_model_db", fixturePsnr(device, log));
        m.put("psnr_note", "neither network is trained: the released-size random network's x0 barely depends on its "
                + "input (so reuse changes almost nothing), the fixture model's changes as much as a new seed (so any "
                + "change moves the output like new noise); neither says how a trained model's output moves");
        m.put("peak_memory_bytes", PipelineBenchmark.peakResidentBytes());
        log.printf("%s: %.2f s vs exact %.2f s (ratio %.3f, same process, alternating); MACs %.3f of exact; PSNR vs "
                + "exact %.1f dB (random weights)%n", name, (Double) ab.get("on_seconds"),
                (Double) ab.get("off_seconds"), (Double) ab.get("ratio_on_off"), macs[1] / (double) macs[0],
                Deviation.psnr(outputs[0], outputs[1], 1.0));
        return m;
    }

    /**
     * PSNR (dB) of encoder propagation's output against the exact one on the public fixture model (the parity
     * case pipe_32x32: its small UNet and VQ checkpoints, its LQ image, seed 1); a note when
     * {@code -Drestora.parity.dir} is not given or the fixtures are missing.
     */
    private static Object fixturePsnr(Device device, PrintStream log) {
        String dir = System.getProperty("restora.parity.dir");
        Path root = dir == null ? null : Path.of(dir, "resshift");
        if (root == null || !Files.isRegularFile(root.resolve("manifest.json"))) {
            return "not measured: give -Drestora.parity.dir=DIR (the parity fixtures)";
        }
        try (NDManager weights = NDManager.newBaseManager(device)) {
            com.google.gson.JsonObject manifest = com.google.gson.JsonParser.parseString(
                    Files.readString(root.resolve("manifest.json"))).getAsJsonObject();
            com.google.gson.JsonObject unet = null;
            com.google.gson.JsonObject vq = null;
            for (var e : manifest.getAsJsonArray("checkpoints")) {
                com.google.gson.JsonObject cp = e.getAsJsonObject();
                String file = cp.get("file").getAsString();
                if (file.equals("resshift_unet_small.pth")) {
                    unet = cp;
                } else if (file.equals("autoencoder_vq_small.pth")) {
                    vq = cp;
                }
            }
            com.google.gson.JsonObject c = null;
            for (var e : manifest.getAsJsonArray("cases")) {
                if (e.getAsJsonObject().get("name").getAsString().equals("pipe_32x32")) {
                    c = e.getAsJsonObject();
                }
            }
            if (unet == null || vq == null || c == null) {
                return "not measured: the fixtures lack pipe_32x32 or its checkpoints";
            }
            com.google.gson.JsonObject settings = c.getAsJsonObject("settings");
            com.google.gson.JsonObject diff = settings.getAsJsonObject("diffusion");
            int sf = settings.has("sf") ? settings.get("sf").getAsInt() : diff.get("sf").getAsInt();
            dev.restora.resshift.unet.UNetConfig uc = dev.restora.resshift.unet.UNetConfig.fromJson(
                    unet.getAsJsonObject("params"));
            dev.restora.resshift.vq.VQConfig vc = dev.restora.resshift.vq.VQConfig.fromJson(
                    vq.getAsJsonObject("params"));
            int offset = settings.has("padding_offset") ? settings.get("padding_offset").getAsInt() : uc.lqSize();
            ResShiftVariant v = ResShiftModels.variants().get(0).withNetworks("fixture", uc, vc, "fixture-unet",
                    "fixture-vq", offset).withSchedule(diff.get("steps").getAsInt(), diff.get("kappa").getAsDouble(),
                    diff.get("min_noise_level").getAsDouble(),
                    diff.getAsJsonObject("schedule_kwargs").get("power").getAsDouble(),
                    diff.get("etas_end").getAsDouble(), sf);
            ResShiftModel model = ResShiftModel.load(v,
                    dev.restora.core.checkpoint.Checkpoint.read(root.resolve(unet.get("file").getAsString()), weights)
                            .stateDict(),
                    dev.restora.core.checkpoint.Checkpoint.read(root.resolve(vq.get("file").getAsString()), weights)
                            .stateDict(), weights);
            ImageBuffer lq = dev.restora.core.image.ImageCodec.read(root.resolve(
                    c.getAsJsonObject("inputs").get("lq_png").getAsString()));
            float[] exact = run(model, device, weights, lq, 0, Map.of());
            float[] approx = run(model, device, weights, lq, 0,
                    Map.of(ResShiftProvider.FAST_MODE, ResShiftProvider.ENCODER_PROPAGATION));
            double db = Deviation.psnr(exact, approx, 1.0);
            log.printf("encoder propagation on the fixture model (pipe_32x32): PSNR vs exact %.1f dB%n", db);
            return db;
        } catch (IOException | RuntimeException e) {
            return "not measured: " + e.getMessage();
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
