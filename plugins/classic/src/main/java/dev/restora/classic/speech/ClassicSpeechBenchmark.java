package dev.restora.classic.speech;

import ai.djl.Device;
import dev.restora.audio.AudioClip;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.pipeline.Media;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.PipelineBenchmark;
import dev.restora.core.pipeline.PipelineDescriptor;
import dev.restora.core.pipeline.RunContext;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@code restora bench classic-speech}: enhances synthetic noisy recordings (16 kHz mono and 48 kHz stereo) and
 * reports seconds (best of three, without and with the studio's default previews), the real-time factor and the
 * peak Java heap in use. The classic pipeline runs on the CPU in
 * Java whatever the device.
 */
final class ClassicSpeechBenchmark implements PipelineBenchmark {
    private final PipelineDescriptor descriptor;

    ClassicSpeechBenchmark(PipelineDescriptor descriptor) {
        this.descriptor = descriptor;
    }

    @Override
    public Map<String, Object> run(Device device, PrintStream log, boolean quick) {
        double seconds = quick ? 2 : 30;
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int[] cfg : new int[][] {{16000, 1}, {48000, 2}}) {
            AudioClip clip = synthetic(cfg[0], cfg[1], seconds);
            ClassicSpeechPipeline pipeline = new ClassicSpeechPipeline(descriptor);
            if (!quick) {
                runOnce(pipeline, clip, PreviewPolicy.OFF, new long[1]);   // warm-up for the JIT
            }
            int reps = quick ? 1 : 3;
            double off = Double.MAX_VALUE;
            double withPreviews = Double.MAX_VALUE;
            long[] peak = {0};
            for (int i = 0; i < reps; i++) {
                System.gc();
                peak[0] = Math.max(peak[0], usedHeap());
                long t0 = System.nanoTime();
                runOnce(pipeline, clip, PreviewPolicy.OFF, peak);
                long t1 = System.nanoTime();
                runOnce(pipeline, clip, PreviewPolicy.DEFAULT, peak);
                long t2 = System.nanoTime();
                off = Math.min(off, (t1 - t0) / 1e9);
                withPreviews = Math.min(withPreviews, (t2 - t1) / 1e9);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", cfg[0] / 1000 + " kHz, " + cfg[1] + " channel" + (cfg[1] == 1 ? "" : "s") + ", "
                    + seconds + " s");
            m.put("seconds", off);
            m.put("seconds_with_previews", withPreviews);
            m.put("realtime_factor", seconds / off);
            m.put("peak_memory_bytes", peak[0]);
            runs.add(m);
            log.printf("classic-speech %s: %.3f s (%.0fx real time), %.3f s with default previews (%+.0f %%), "
                    + "peak heap %d MiB%n", m.get("name"), off, seconds / off, withPreviews,
                    100 * (withPreviews / off - 1), peak[0] >> 20);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pipeline", descriptor.id());
        out.put("device", "cpu (Java)");
        out.put("parameters", 0);
        out.put("measurements", runs);
        return out;
    }

    private void runOnce(ClassicSpeechPipeline pipeline, AudioClip clip, PreviewPolicy previews, long[] peak) {
        RunContext ctx = new RunContext(null, null, ParameterValues.defaults(descriptor.parameters()), null,
                e -> peak[0] = Math.max(peak[0], usedHeap()), new CancellationToken(), previews);
        pipeline.run(Media.of(clip), ctx);
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    /** Harmonic "vowels" switching on and off in pink-ish noise; seeded, so every run does the same work. */
    static AudioClip synthetic(int rate, int channels, double seconds) {
        int n = (int) (rate * seconds);
        Random r = new Random(42);
        float[][] x = new float[channels][n];
        for (float[] c : x) {
            double b0 = 0;
            double b1 = 0;
            for (int i = 0; i < n; i++) {
                double w = r.nextGaussian();
                b0 = 0.99765 * b0 + w * 0.0990460;
                b1 = 0.96300 * b1 + w * 0.2965164;
                double t = i / (double) rate;
                double on = Math.sin(2 * Math.PI * 1.3 * t) > 0 ? 1 : 0;
                double f0 = 120 + 30 * Math.sin(2 * Math.PI * 0.7 * t);
                double v = 0;
                for (int h = 1; h <= 10; h++) {
                    v += Math.sin(2 * Math.PI * f0 * h * t) / h;
                }
                c[i] = (float) (0.05 * on * v + 0.02 * (b0 + b1 + 0.1848 * w));
            }
        }
        return new AudioClip(x, rate);
    }
}
