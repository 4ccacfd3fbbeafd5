package dev.restora.sgmse;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.diffusion.SeededNoise;
import dev.restora.core.pipeline.AbTimer;
import dev.restora.core.pipeline.PipelineBenchmark;
import dev.restora.core.diffusion.EncoderPropagation;
import dev.restora.core.diffusion.KeySteps;
import dev.restora.core.pipeline.PresetBenchOptions;
import dev.restora.sgmse.nn.NCSNpp;
import dev.restora.sgmse.nn.NcsnppConfig;
import dev.restora.sgmse.nn.NcsnppLayout;
import dev.restora.sgmse.sampling.PredictorCorrectorSampler;
import dev.restora.sgmse.sampling.ScoreFunction;
import dev.restora.sgmse.sde.OuveSde;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code restora bench sgmse|storm}: the released network sizes with random weights (timing does not depend on the
 * weights). Measures one network call on a 256 x 512 spectrogram (4.09 s of 16 kHz audio) and one whole sampler
 * step (corrector + predictor), and EXTRAPOLATES the default run (SGMSE+ N 30 with one corrector step = 60 calls;
 * StoRM 1 denoiser call + N 50 x 2 score calls) from the measured step. Peak memory is the process's peak resident
 * set (VmHWM), which includes the JVM. MACs are counted from the layout (convolutions, NIN, attention products).
 * No reference figure is held here: {@code restora bench sgmse|storm --reference FILE} compares with the official
 * code timed in the same sitting ({@link #referenceKeys()}). {@code --presets} times whole runs of the speech presets
 * instead ({@link #presets}).
 */
public final class SpeechBenchmark implements PipelineBenchmark {

    /** {@code -Drestora.bench.speech.frames=N}: the spectrogram's frames (default 512, 4.09 s of 16 kHz audio). */
    static final String FRAMES_PROPERTY = "restora.bench.speech.frames";

    /** {@code -Drestora.bench.speech.bridgeSteps=N}: with {@code --presets --checkpoint}, the bridge default's N. */
    static final String BRIDGE_STEPS_PROPERTY = "restora.bench.speech.bridgeSteps";

    private final boolean storm;

    public SpeechBenchmark(boolean storm) {
        this.storm = storm;
    }

    @Override
    public Map<String, String> referenceKeys() {
        Map<String, String> k = new LinkedHashMap<>();
        if (storm) {
            k.put("denoiser_call_seconds", "denoiser_call_256x512");
            k.put("score_call_seconds", "score_call_256x512");
            k.put("default_run_seconds_extrapolated", "enhance_N50_ald1_extrapolated_s");
        } else {
            k.put("network_call_seconds", "score_call_256x512");
            k.put("default_run_seconds_extrapolated", "pc_run_N30_corrector1_extrapolated_s");
        }
        return k;
    }

    @Override
    public Map<String, Object> run(Device device, PrintStream log, boolean quick) {
        int bins = 256;
        int frames = quick ? 64 : Integer.getInteger(FRAMES_PROPERTY, 512);
        int hop = 128;
        int rate = 16000;
        double audioSeconds = (frames - 1) * hop / (double) rate;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pipeline", storm ? "storm" : "sgmse");
        out.put("device", device.toString());
        out.put("input", "1 x " + bins + " x " + frames + " (" + String.format("%.2f", audioSeconds) + " s at 16 kHz)");
        out.put("weights", quick ? "random, reduced width nf 32 (quick mode)" : "random, released size");
        out.put("note", "whole-run seconds are EXTRAPOLATED from one measured sampler step");
        try (NDManager m = NDManager.newBaseManager(device)) {
            Map<String, Object> hp = new HashMap<>();
            if (quick) {
                hp.put("nf", 32L);
            }
            HyperParameters h = new HyperParameters(hp, "random weights");
            NDArray y = m.randomNormal(0, 0.3f, new Shape(1, 2, bins, frames), ai.djl.ndarray.types.DataType.FLOAT32);
            OuveSde sde = new OuveSde(1.5, 0.05, 0.5);
            if (!storm) {
                NcsnppConfig c = Backbones.sgmse(h);
                // the production model (score = -NCSNpp([x, y], t)), from a checkpoint of random weights
                SgmseModel model = SgmseModel.load(randomCheckpoint(m, hp, Map.of("dnn", c)), true);
                NCSNpp net = model.network();
                ScoreFunction score = model;
                out.put("parameters", net.parameterCount());
                warmUp(m, net, c, log);
                double call = timeCall(m, y, score, log, "score network call");
                long macs = NcsnppLayout.macs(c, bins, frames);
                double step = timeStep(m, sde, y, y, score, 30, PredictorCorrectorSampler.StepSize.GRID, log);
                double run = step * 30;
                out.put("network_call_seconds", call);
                out.put("network_call_gmacs", macs / 1e9);
                out.put("achieved_gflops", 2 * macs / 1e9 / call);
                out.put("pc_step_seconds_measured", step);
                out.put("default_run_seconds_extrapolated", run);
                out.put("real_time_factor", run / audioSeconds);
                out.put("encoder_propagation", encoderPropagation(m, net, y, call, 30, 2, audioSeconds, log));
                out.put("int8", int8(m, net, y, run, log));
            } else {
                NcsnppConfig dc = Backbones.storm(h, "ncsnpp", 2, true);
                NcsnppConfig sc = Backbones.storm(h, "ncsnpp", 6, false);
                Map<String, NcsnppConfig> nets = new LinkedHashMap<>();
                nets.put("denoiser_net", dc);
                nets.put("score_net", sc);
                StormModel model = StormModel.load(randomCheckpoint(m, hp, nets), true);
                NCSNpp den = model.denoiserNetwork();
                NCSNpp sn = model.scoreNetwork();
                ScoreFunction score = model;
                out.put("parameters", Map.of("denoiser", den.parameterCount(), "score", sn.parameterCount()));
                warmUp(m, sn, sc, log);
                double dCall;
                try (NDManager s = m.newSubManager()) {
                    NDArray yy = y.duplicate();
                    yy.attach(s);
                    long t0 = System.nanoTime();
                    model.denoise(yy).toFloatArray();
                    dCall = (System.nanoTime() - t0) / 1e9;
                }
                log.printf("denoiser call: %.2f s%n", dCall);
                NDArray cond = model.conditioning(y, y);
                double call = timeCall(m, y, (x, c2, t) -> score.score(x, cond, t), log, "score network call");
                double step = timeStep(m, sde, y, cond, score, 50, PredictorCorrectorSampler.StepSize.ONE_OVER_N, log);
                double run = dCall + step * 50;
                long dm = NcsnppLayout.macs(dc, bins, frames);
                long smacs = NcsnppLayout.macs(sc, bins, frames);
                out.put("denoiser_call_seconds", dCall);
                out.put("score_call_seconds", call);
                out.put("denoiser_call_gmacs", dm / 1e9);
                out.put("score_call_gmacs", smacs / 1e9);
                out.put("achieved_gflops_score", 2 * smacs / 1e9 / call);
                out.put("pc_step_seconds_measured", step);
                out.put("default_run_seconds_extrapolated", run);
                out.put("real_time_factor", run / audioSeconds);
            }
        }
        String ab = AbTimer.requested();
        if (ab != null) {
            out.put("ab_network_call", abCall(device, bins, frames, ab, quick, log));
        }
        double ceiling = PipelineBenchmark.conv3x3Gflops(device, bins, frames);
        log.printf("3x3 conv 128->128 on %d x %d now: %.1f GFLOP/s%n", bins, frames, ceiling);
        out.put("conv3x3_128ch_gflops_same_run", ceiling);
        out.put("peak_memory_bytes", PipelineBenchmark.peakResidentBytes());
        return out;
    }

    /**
     * {@code --presets}: every candidate of {@link SpeechPresets} run as a whole enhancement (STFT, sampler, networks,
     * inverse STFT), the candidates alternating round by round ({@link PresetComparison}); per candidate the
     * real-time factor and the SI-SDR of its output against the exact default's (and the clean recording's). SGMSE+
     * at random weights measures the score model and a Schrödinger-bridge model of the same size; a checkpoint is
     * measured as what it is.
     */
    @Override
    public Map<String, Object> presets(Device device, PrintStream log, boolean quick, PresetBenchOptions o) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pipeline", storm ? "storm" : "sgmse");
        out.put("device", device.toString());
        out.put("threads", Runtime.getRuntime().availableProcessors());
        out.put("date", java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).withNano(0).toString());
        out.put("load_average_start", loadAverage());
        out.put("note", "whole enhancements timed, the presets alternating round by round in this process; "
                + "real_time_factor = seconds / audio seconds (below 1: faster than real time); SI-SDR of each "
                + "output against the exact default's output (same seed) and against the clean recording if given");
        Map<String, Object> hp = new HashMap<>();
        if (quick) {
            hp.put("nf", 32L);
        }
        long seed = 7;
        try (NDManager m = NDManager.newBaseManager(device)) {
            Map<String, Object> kinds = new LinkedHashMap<>();
            if (o.checkpoint() != null) {
                LoadedCheckpoint ck = LoadedCheckpoint.read(o.checkpoint(), m);
                out.put("weights", "checkpoint " + o.checkpoint().getFileName());
                if (storm) {
                    StormModel model = StormModel.load(ck, false);
                    kinds.put("storm", measure(device, new StormEnhancer(model), SpeechPresets.Kind.STORM,
                            StormEnhancer.DEFAULT_STEPS, o, quick, seed, log));
                } else {
                    SgmseModel model = SgmseModel.load(ck, false);
                    SpeechPresets.Kind kind = model.isBridge() ? SpeechPresets.Kind.BRIDGE : SpeechPresets.Kind.SCORE;
                    // a small test checkpoint may store a tiny N: -Drestora.bench.speech.bridgeSteps=50 measures
                    // against the bridge's usual N instead
                    int n = model.isBridge() ? Integer.getInteger(BRIDGE_STEPS_PROPERTY, model.bridgeSteps())
                            : SgmseEnhancer.DEFAULT_STEPS;
                    if (model.isBridge()) {
                        out.put("bridge_default_steps", n);
                    }
                    kinds.put(kind.name().toLowerCase(java.util.Locale.ROOT), measure(device, new SgmseEnhancer(model),
                            kind, n, o, true, seed, log));
                }
            } else {
                out.put("weights", quick ? "random, reduced width nf 32 (quick mode)" : "random, released size");
                if (storm) {
                    HyperParameters h = new HyperParameters(hp, "random weights");
                    Map<String, NcsnppConfig> nets = new LinkedHashMap<>();
                    nets.put("denoiser_net", Backbones.storm(h, "ncsnpp", 2, true));
                    nets.put("score_net", Backbones.storm(h, "ncsnpp", 6, false));
                    StormModel model = StormModel.load(randomCheckpoint(m, hp, nets), true);
                    kinds.put("storm", measure(device, new StormEnhancer(model), SpeechPresets.Kind.STORM,
                            StormEnhancer.DEFAULT_STEPS, o, quick, seed, log));
                } else {
                    SgmseModel score = SgmseModel.load(randomCheckpoint(m, hp,
                            Map.of("dnn", Backbones.sgmse(new HyperParameters(hp, "random weights")))), true);
                    kinds.put("score", measure(device, new SgmseEnhancer(score), SpeechPresets.Kind.SCORE,
                            SgmseEnhancer.DEFAULT_STEPS, o, quick, seed, log));
                    Map<String, Object> bhp = new HashMap<>(hp);
                    bhp.put("backbone", "ncsnpp_v2");
                    bhp.put("sde", "sbve");
                    bhp.put("loss_type", "data_prediction");
                    bhp.put("N", 50L);
                    SgmseModel bridge = SgmseModel.load(randomCheckpoint(m, bhp,
                            Map.of("dnn", Backbones.sgmse(new HyperParameters(bhp, "random weights")))), true);
                    kinds.put("bridge", measure(device, new SgmseEnhancer(bridge), SpeechPresets.Kind.BRIDGE,
                            bridge.bridgeSteps(), o, quick, seed, log));
                }
            }
            out.put("kinds", kinds);
        }
        out.put("load_average_end", loadAverage());
        out.put("peak_memory_bytes", PipelineBenchmark.peakResidentBytes());
        return out;
    }

    private Map<String, Object> measure(Device device, Enhancer enhancer, SpeechPresets.Kind kind, int steps,
                                        PresetBenchOptions o, boolean withOde, long seed, PrintStream log) {
        int rate = enhancer.sampleRate();
        double seconds = o.seconds() > 0 ? o.seconds() : o.input() != null ? 0 : 2.0;
        float[] signal = o.input() != null ? readMono(o.input(), rate, seconds) : synthetic(rate, seconds, seed);
        float[] clean = o.clean() != null ? readMono(o.clean(), rate, seconds) : null;
        if (clean != null && clean.length != signal.length) {
            int n = Math.min(clean.length, signal.length);
            signal = java.util.Arrays.copyOf(signal, n);
            clean = java.util.Arrays.copyOf(clean, n);
        }
        log.printf("%s: %.2f s of audio at %d Hz, %d round(s)%n", kind.label(), signal.length / (double) rate, rate,
                o.rounds());
        List<SpeechPresets.Candidate> candidates = SpeechPresets.select(kind, o.only(), withOde);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", kind.label());
        r.put("audio_seconds", signal.length / (double) rate);
        r.put("input", o.input() != null ? o.input().getFileName().toString() : "synthetic (harmonic tone + noise)");
        r.put("rounds", o.rounds());
        r.put("presets", new PresetComparison(enhancer, kind, steps, 0.5)
                .run(device, signal, clean, candidates, o.rounds(), seed, log));
        return r;
    }

    private static float[] readMono(java.nio.file.Path file, int rate, double seconds) {
        dev.restora.audio.AudioClip clip = dev.restora.audio.AudioIO.read(file);
        float[] x = clip.channels()[0];
        if (clip.sampleRate() != rate) {
            x = RateConverters.standard().convert(x, clip.sampleRate(), rate);
        }
        int n = seconds > 0 ? (int) Math.min(x.length, Math.round(seconds * rate)) : x.length;
        return java.util.Arrays.copyOf(x, n);
    }

    /** A voiced-speech-like test signal: a gliding harmonic tone, syllable-rate amplitude modulation, white noise. */
    static float[] synthetic(int rate, double seconds, long seed) {
        java.util.Random random = new java.util.Random(seed);
        int n = (int) Math.round(seconds * rate);
        float[] x = new float[n];
        double phase = 0;
        for (int i = 0; i < n; i++) {
            double t = i / (double) rate;
            double f0 = 140 + 30 * Math.sin(2 * Math.PI * 0.7 * t);
            phase += 2 * Math.PI * f0 / rate;
            double v = 0;
            for (int h = 1; h <= 12; h++) {
                v += Math.sin(h * phase) / h;
            }
            double env = 0.5 + 0.5 * Math.sin(2 * Math.PI * 4 * t);
            x[i] = (float) (0.2 * env * v + 0.05 * random.nextGaussian());
        }
        return x;
    }

    private static Object loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * Encoder propagation (approximate): one score-network call reusing the encoder features of the call before,
     * and the default run extrapolated with the paper's key steps ({@code callsPerStep} calls per step, every call of
     * a key step runs the encoder).
     */
    private static Map<String, Object> encoderPropagation(NDManager m, NCSNpp net, NDArray y, double fullCall, int n,
                                                          int callsPerStep, double audioSeconds, PrintStream log) {
        java.util.Set<Integer> keys = KeySteps.schedule("paper", n);
        double reused;
        try (NDManager s = m.newSubManager();
             EncoderPropagation p = new EncoderPropagation(java.util.Set.of(0), s)) {
            NDArray x = s.randomNormal(0, 0.3f, new Shape(1, 4, y.getShape().get(2), y.getShape().get(3)),
                    ai.djl.ndarray.types.DataType.FLOAT32);
            p.beforeCall(0.5f);
            net.forward(x, s.create(new float[] {0.5f}), p).toFloatArray();
            p.beforeCall(0.4f);
            long t0 = System.nanoTime();
            net.forward(x, s.create(new float[] {0.4f}), p).toFloatArray();
            reused = (System.nanoTime() - t0) / 1e9;
        }
        log.printf("score network call reusing the encoder features: %.2f s%n", reused);
        double run = callsPerStep * (keys.size() * fullCall + (n - keys.size()) * reused);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("key_steps", keys.toString());
        r.put("network_call_encoder_reused_seconds", reused);
        r.put("default_run_seconds_extrapolated", run);
        r.put("real_time_factor", run / audioSeconds);
        r.put("note", "APPROXIMATE mode; run extrapolated from the measured full and reused calls (STFT, sampler "
                + "arithmetic left out)");
        return r;
    }

    /**
     * fast_mode=int8 for the score network: calibration over six calls from t = 1 to 0.03 (random states of the
     * benchmark's input size; the pipeline calibrates on a real excerpt instead), then one call A/B against float32
     * (alternating, {@code -Drestora.bench.ab.pairs}, default 3), the SI-SDR of the int8 call's output against
     * float32's, and
     * the default run extrapolated with the measured ratio (calls dominate a run).
     */
    private static Map<String, Object> int8(NDManager m, NCSNpp net, NDArray y, double exactRun,
                                            PrintStream log) {
        if (!dev.restora.core.nn.quant.Int8Support.supported(dev.restora.core.engine.CpuInfo.current())) {
            return Map.of("skipped", "needs a CPU with VNNI/AMX");
        }
        try (NDManager s = m.newSubManager();
             dev.restora.core.nn.quant.Int8Network q = dev.restora.core.nn.quant.Int8Network.create()) {
            NDArray x = s.randomNormal(0, 0.3f, new Shape(1, 4, y.getShape().get(2), y.getShape().get(3)),
                    ai.djl.ndarray.types.DataType.FLOAT32);
            long t0 = System.nanoTime();
            q.calibrate(() -> {
                for (float t : new float[] {1f, 0.8f, 0.6f, 0.4f, 0.2f, 0.03f}) {
                    try (NDManager c = s.newSubManager()) {
                        net.forward(x, c.create(new float[] {t})).toFloatArray();
                    }
                }
                return null;
            });
            double calibration = (System.nanoTime() - t0) / 1e9;
            float[][] out = new float[2][];
            Map<String, Object> ab = dev.restora.core.nn.quant.Int8Ab.compare(
                    Integer.getInteger("restora.bench.ab.pairs", 3), () -> {
                        try (NDManager c = s.newSubManager()) {
                            out[0] = net.forward(x, c.create(new float[] {0.5f})).toFloatArray();
                        }
                    }, () -> {
                        try (NDManager c = s.newSubManager(); dev.restora.core.nn.ConvHook.Installed on = q.quantized()) {
                            out[1] = net.forward(x, c.create(new float[] {0.5f})).toFloatArray();
                        }
                    }, log, "int8 score network call");
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("calibration_seconds_6_calls", calibration);
            r.put("int8_convolutions", q.int8Layers());
            r.put("float32_convolutions", q.floatLayers());
            r.put("int8_linear_layers", q.int8Linears());
            r.put("network_call", ab);
            r.put("call_output_si_sdr_db_vs_exact", dev.restora.audio.metrics.SpeechMetrics.siSdr(out[1], out[0]));
            r.put("default_run_seconds_extrapolated", exactRun * (double) ab.get("ratio_int8_exact"));
            r.put("note", "APPROXIMATE mode; random weights (a trained network's deviation differs)");
            return r;
        }
    }

    /**
     * The score network's call (StoRM: the score network; its denoiser is the same architecture, smaller) timed
     * with {@code property} off and on alternately ({@link AbTimer}).
     */
    private Map<String, Object> abCall(Device device, int bins, int frames, String property, boolean quick,
                                       PrintStream log) {
        try (NDManager m = NDManager.newBaseManager(device)) {
            Map<String, Object> hp = new HashMap<>();
            if (quick) {
                hp.put("nf", 32L);
            }
            HyperParameters h = new HyperParameters(hp, "random weights");
            NcsnppConfig c = storm ? Backbones.storm(h, "ncsnpp", 6, false) : Backbones.sgmse(h);
            LoadedCheckpoint ck = randomCheckpoint(m, hp, Map.of("net", c));
            NCSNpp net = new NCSNpp(c, ck.rawWeights(java.util.List.of("net")).sub("net"));
            NDArray x = m.randomNormal(0, 0.3f, new Shape(1, c.inputChannels(), bins, frames),
                    ai.djl.ndarray.types.DataType.FLOAT32);
            NDArray t = m.create(new float[] {0.5f});
            return AbTimer.compare(property, Integer.getInteger("restora.bench.ab.pairs", 3), () -> {
                try (NDManager s = m.newSubManager()) {
                    x.tempAttach(s);
                    net.forward(x, t).toFloatArray();
                }
            }, log, "network call");
        }
    }

    /**
     * A checkpoint of N(0, 0.05) weights for the networks {@code prefix -> configuration} (in registration order)
     * and hyper-parameters {@code hp}, without EMA: what the production loaders read.
     */
    static LoadedCheckpoint randomCheckpoint(NDManager m, Map<String, Object> hp, Map<String, NcsnppConfig> nets) {
        // seeded: the same weights in every process, so the deviation figures of two runs compare
        ai.djl.engine.Engine.getInstance().setRandomSeed(0);
        Map<String, NDArray> w = new LinkedHashMap<>();
        for (Map.Entry<String, NcsnppConfig> net : nets.entrySet()) {
            for (Map.Entry<String, Shape> e : NcsnppLayout.parameters(net.getValue()).entrySet()) {
                w.put(net.getKey() + "." + e.getKey(),
                        m.randomNormal(0, 0.05f, e.getValue(), ai.djl.ndarray.types.DataType.FLOAT32));
            }
        }
        return new LoadedCheckpoint(w, Optional.empty(), hp, "random weights");
    }

    private static void warmUp(NDManager m, NCSNpp net, NcsnppConfig c, PrintStream log) {
        try (NDManager s = m.newSubManager()) {
            NDArray x = s.randomNormal(new Shape(1, c.inputChannels(), 256, 64));
            long t0 = System.nanoTime();
            net.forward(x, s.create(new float[] {0.5f})).toFloatArray();
            log.printf("warm-up call (256 x 64): %.2f s%n", (System.nanoTime() - t0) / 1e9);
        }
    }

    private static double timeCall(NDManager m, NDArray y, ScoreFunction score, PrintStream log, String what) {
        try (NDManager s = m.newSubManager()) {
            NDArray x = s.randomNormal(0, 0.3f, y.getShape(), ai.djl.ndarray.types.DataType.FLOAT32);
            long t0 = System.nanoTime();
            score.score(x, y, new float[] {0.5f}).toFloatArray();
            double sec = (System.nanoTime() - t0) / 1e9;
            log.printf("%s (%s): %.2f s%n", what, y.getShape(), sec);
            return sec;
        }
    }

    /** One whole PC step (ALD corrector + reverse-diffusion predictor) at t = 1. */
    private static double timeStep(NDManager m, OuveSde sde, NDArray target, NDArray cond, ScoreFunction score,
                                   int n, PredictorCorrectorSampler.StepSize rule, PrintStream log) {
        PredictorCorrectorSampler s = new PredictorCorrectorSampler(sde, target, cond, n, 0.03, rule, 1, 0.5, null);
        SeededNoise noise = new SeededNoise(1);
        try (NDManager scope = m.newSubManager()) {
            NDArray x = s.initialState(scope, noise);
            long t0 = System.nanoTime();
            s.step(score, 0, x, scope, noise).next().toFloatArray();
            double sec = (System.nanoTime() - t0) / 1e9;
            log.printf("one PC step (corrector + predictor, 2 network calls): %.2f s%n", sec);
            return sec;
        }
    }
}
