package dev.restora.sgmse;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.restora.audio.metrics.SpeechMetrics;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.SeededNoise;
import dev.restora.core.diffusion.Stage;
import dev.restora.core.diffusion.StepListener;
import dev.restora.core.pipeline.AbTimer;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.RunContext;
import dev.restora.sgmse.sampling.SamplerProbe;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times whole enhancements of one recording with each {@link SpeechPresets.Candidate} through the production path
 * (STFT, sampler, networks, inverse STFT), alternating the candidates round by round in one process so that a
 * shared machine's changing load hits them alike, and measures how far each output moves: SI-SDR against the
 * exact default's output (same seed) and, when given, against the clean recording.
 */
public final class PresetComparison {
    private final Enhancer enhancer;
    private final SpeechPresets.Kind kind;
    private final int recommendedSteps;
    private final double snr;

    public PresetComparison(Enhancer enhancer, SpeechPresets.Kind kind, int recommendedSteps, double snr) {
        this.enhancer = enhancer;
        this.kind = kind;
        this.recommendedSteps = recommendedSteps;
        this.snr = snr;
    }

    /**
     * @param signal     mono, at the model's rate
     * @param clean      the clean recording (same length), or null
     * @param candidates the first is the reference (the exact default)
     * @param rounds     timed runs per candidate (median reported); the order rotates every round
     * @return one entry per candidate: settings, network calls, seconds (median and every run), real-time factor,
     *     SI-SDR against the default's output and against the clean recording
     */
    public List<Map<String, Object>> run(Device device, float[] signal, float[] clean,
                                         List<SpeechPresets.Candidate> candidates, int rounds, long seed,
                                         PrintStream log) {
        double audioSeconds = signal.length / (double) enhancer.sampleRate();
        int k = candidates.size();
        double[][] secs = new double[k][rounds];
        float[][] outs = new float[k][];
        for (int r = 0; r < rounds; r++) {
            for (int j = 0; j < k; j++) {
                int i = (j + r) % k;
                SpeechPresets.Candidate c = candidates.get(i);
                long t0 = System.nanoTime();
                float[] y = enhance(device, signal, c, seed + c.seedOffset());
                secs[i][r] = (System.nanoTime() - t0) / 1e9;
                if (outs[i] == null) {
                    outs[i] = y;
                }
                log.printf("round %d %-40s %8.2f s  (RTF %.2f)%s%n", r + 1, c.name(), secs[i][r],
                        secs[i][r] / audioSeconds, r > 0 || i == 0 ? "" : String.format(java.util.Locale.ROOT,
                                "  SI-SDR vs default %.2f dB%s", SpeechMetrics.siSdr(outs[i], outs[0]),
                                clean == null ? "" : String.format(java.util.Locale.ROOT, ", vs clean %.2f dB",
                                        SpeechMetrics.siSdr(outs[i], clean))));
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            SpeechPresets.Candidate c = candidates.get(i);
            EnhanceOptions o = c.options(recommendedSteps, snr);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", c.name());
            row.put("sampler", c.sampler());
            row.put("steps", c.sampler().equals("denoiser") ? 0 : enhancer.steps(o));
            row.put("corrector_steps", c.correctorSteps());
            row.put("key_steps", c.keySteps() == null ? "exact" : c.keySteps());
            if (c.seedOffset() != 0) {
                row.put("seed_offset", c.seedOffset());
            }
            int calls = c.networkCalls(kind, recommendedSteps);
            row.put("network_calls", calls < 0 ? "adaptive" : calls);
            double med = AbTimer.median(secs[i]);
            row.put("seconds", med);
            row.put("seconds_runs", secs[i]);
            row.put("real_time_factor", med / audioSeconds);
            row.put("time_vs_default", med / AbTimer.median(secs[0]));
            row.put("si_sdr_vs_default_db", i == 0 ? null : finite(SpeechMetrics.siSdr(outs[i], outs[0])));
            if (clean != null) {
                row.put("si_sdr_vs_clean_db", finite(SpeechMetrics.siSdr(outs[i], clean)));
            }
            rows.add(row);
        }
        return rows;
    }

    private float[] enhance(Device device, float[] signal, SpeechPresets.Candidate c, long seed) {
        try (NDManager scope = NDManager.newBaseManager(device)) {
            RunContext ctx = new RunContext(scope, device, ParameterValues.of(List.of(), Map.of()),
                    new SeededNoise(seed), StepListener.NONE, new CancellationToken(), PreviewPolicy.OFF);
            return enhancer.enhance(signal, ctx, c.options(recommendedSteps, snr), Stage.WHOLE, SamplerProbe.NONE);
        }
    }

    private static Object finite(double v) {
        return Double.isFinite(v) ? Math.round(v * 100) / 100.0 : String.valueOf(v);
    }
}
