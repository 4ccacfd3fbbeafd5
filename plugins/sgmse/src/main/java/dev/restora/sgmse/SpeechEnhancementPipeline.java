package dev.restora.sgmse;

import dev.restora.audio.AudioClip;
import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.NoiseSource;
import dev.restora.core.diffusion.SeededNoise;
import dev.restora.core.diffusion.StackedNoise;
import dev.restora.core.diffusion.Stage;
import dev.restora.core.engine.OutOfMemory;
import dev.restora.core.nn.quant.Int8Calibration;
import dev.restora.core.nn.quant.Int8Mode;
import dev.restora.core.nn.quant.Int8Network;
import dev.restora.core.pipeline.Media;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.PipelineDescriptor;
import dev.restora.core.pipeline.RestorationPipeline;
import dev.restora.core.pipeline.RunContext;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded SGMSE+ or StoRM model applied to real recordings: any sample rate (converted to the model's rate and
 * back, zero delay, trimmed to the exact input length) and any channel count (each channel enhanced on its own
 * with the same noise seed), long files in overlapping chunks joined by crossfades, each chunk normalised by the
 * whole channel's peak and the level restored. On a GPU the chunk is at most what its free memory holds
 * ({@link ChunkBudget}), and chunks of equal length go through the networks several at once along the batch axis
 * when its memory allows ({@code chunk_batch}); out of memory, a channel runs again with fewer chunks at once, then
 * with half the chunk, down to one second.
 */
public final class SpeechEnhancementPipeline implements RestorationPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(SpeechEnhancementPipeline.class);

    private final PipelineDescriptor descriptor;
    private final Enhancer enhancer;
    private final RateConverter rates;
    private final Recommended recommended;
    /** Length of the int8 calibration excerpt. */
    static final double INT8_CALIBRATION_SECONDS = 1.0;
    private final Int8Mode int8 = new Int8Mode();

    /** The model's recommended sampling settings (for "0 / -1 = recommended" parameters). */
    public record Recommended(int steps, double snr) {
    }

    public SpeechEnhancementPipeline(PipelineDescriptor descriptor, Enhancer enhancer, RateConverter rates,
                                     Recommended recommended) {
        this.descriptor = descriptor;
        this.enhancer = enhancer;
        this.rates = rates;
        this.recommended = recommended;
    }

    @Override
    public PipelineDescriptor descriptor() {
        return descriptor;
    }

    public Enhancer enhancer() {
        return enhancer;
    }

    /** The sampling options from the run parameters. */
    public EnhanceOptions options(ParameterValues p) {
        if (SpeechParameters.fastPreview(p)) {
            // APPROXIMATE: the preset replaces the sampler settings (the seed, chunking and previews stay)
            double snr = p.has(SpeechParameters.SNR) ? p.getDouble(SpeechParameters.SNR) : -1;
            return SpeechPresets.fastPreview(enhancer.kind()).options(recommended.steps(),
                    snr >= 0 ? snr : recommended.snr(),
                    p.has(SpeechParameters.PREVIEW_AUDIO) && p.getBoolean(SpeechParameters.PREVIEW_AUDIO));
        }
        int steps = p.has(SpeechParameters.STEPS) ? p.getInt(SpeechParameters.STEPS) : 0;
        double snr = p.has(SpeechParameters.SNR) ? p.getDouble(SpeechParameters.SNR) : -1;
        return new EnhanceOptions(p.has(SpeechParameters.SAMPLER) ? p.getString(SpeechParameters.SAMPLER) : "pc",
                steps > 0 ? steps : recommended.steps(),
                p.has(SpeechParameters.CORRECTOR_STEPS) ? p.getInt(SpeechParameters.CORRECTOR_STEPS) : 1,
                snr >= 0 ? snr : recommended.snr(),
                p.has(SpeechParameters.PREVIEW_AUDIO) && p.getBoolean(SpeechParameters.PREVIEW_AUDIO),
                p.has(SpeechParameters.CORRECTOR) ? p.getString(SpeechParameters.CORRECTOR) : "ald",
                SpeechParameters.keySteps(p));
    }

    /**
     * With {@code fast_mode=int8}, the run goes through this model's int8 network, calibrated on its first use by one
     * quiet float32 run over all of the sampler's steps (same sampler and steps, no corrector) on a
     * {@value #INT8_CALIBRATION_SECONDS} s excerpt from the middle of the input's first channel.
     */
    @Override
    public Media run(Media input, RunContext context) {
        if (!SpeechParameters.int8(context.parameters()) || !(input instanceof Media.Audio audio)) {
            return runFloat(input, context);
        }
        AudioClip clip = audio.clip();
        int len = (int) Math.min(clip.frames(), Math.round(INT8_CALIBRATION_SECONDS * clip.sampleRate()));
        int start = (clip.frames() - len) / 2;
        AudioClip excerpt = new AudioClip(new float[][] {java.util.Arrays.copyOfRange(clip.channels()[0], start,
                start + len)}, clip.sampleRate(), clip.sourceBits());
        java.util.Map<String, Object> calib = new java.util.HashMap<>(context.parameters().asMap());
        calib.put(SpeechParameters.FAST_MODE, SpeechParameters.EXACT);
        calib.put(SpeechParameters.CORRECTOR, "none");
        calib.put(SpeechParameters.CHUNK_SECONDS, 0.0);
        calib.put(SpeechParameters.PREVIEW_AUDIO, false);
        ParameterValues values = ParameterValues.of(descriptor.parameters(), calib);
        return int8.run(() -> {
            try (ai.djl.ndarray.NDManager s = context.scope().newSubManager()) {
                RunContext quiet = Int8Calibration.quiet(context.withScope(s));
                runFloat(Media.of(excerpt), new RunContext(s, quiet.device(), values, quiet.noise(), quiet.listener(),
                        quiet.token(), quiet.previews()));
            }
        }, String.format(java.util.Locale.ROOT, "one run without corrector on %.1f s of the input",
                len / (double) clip.sampleRate()), () -> runFloat(input, context));
    }

    /** The int8 network of this model once a run asked for it (benchmarks, tests), else null. */
    public Int8Network int8Network() {
        return int8.network();
    }

    @Override
    public void close() {
        int8.close();
    }

    private Media runFloat(Media input, RunContext context) {
        if (!(input instanceof Media.Audio audio)) {
            throw new RestoraException(descriptor.displayName() + " enhances speech recordings, not " + input.modality());
        }
        AudioClip clip = audio.clip();
        EnhanceOptions options = options(context.parameters());
        int rate = enhancer.sampleRate();
        double chunkSeconds = context.parameters().has(SpeechParameters.CHUNK_SECONDS)
                ? context.parameters().getDouble(SpeechParameters.CHUNK_SECONDS) : 0;
        if (chunkSeconds > 0 && chunkSeconds < 1) {
            throw new RestoraException("chunk length must be 0 (whole recording) or at least 1 s, got " + chunkSeconds);
        }
        int channels = clip.channelCount();
        float[][] out = new float[channels][];
        List<float[]> converted = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            converted.add(toModelRate(clip.channels()[c], clip.sampleRate(), rate));
        }
        int samples = converted.get(0).length;
        if (samples <= enhancer.spectral().stft().nFft()) {
            throw new RestoraException("the recording is too short for " + descriptor.displayName() + ": "
                    + clip.frames() + " samples at " + clip.sampleRate() + " Hz (at least "
                    + (enhancer.spectral().stft().nFft() + 1) + " samples at " + rate + " Hz are needed)");
        }
        int requested = chunkSeconds > 0 ? (int) Math.round(chunkSeconds * rate) : samples;
        int cap = ChunkBudget.maxSamples(context.device(), rate);
        int length = cap > 0 ? Math.min(requested, cap) : requested;
        if (length < requested) {
            LOG.info("chunks of {} s on {} (its free memory)", length / (double) rate, context.device());
        }
        int requestedBatch = context.parameters().has(SpeechParameters.CHUNK_BATCH)
                ? context.parameters().getInt(SpeechParameters.CHUNK_BATCH) : 1;
        // other noise sources (recorded noise) are one stream in run order: only a seeded run can fork per chunk
        boolean batchable = enhancer.batchable(options) && context.noise() instanceof SeededNoise;
        for (int c = 0; c < channels; c++) {
            float[] x = converted.get(c);
            int channel = c;
            // out of memory: fewer chunks at once, then half the chunk and the channel again, down to one second
            out[c] = OutOfMemory.halving(length, Math.min(length, rate), len -> {
                int batch = !batchable ? 1 : requestedBatch > 0 ? requestedBatch
                        : ChunkBudget.chunksAtOnce(context.device(), rate, len);
                float[] y = OutOfMemory.halving(batch, 1,
                        b -> enhanceChannel(x, channel, channels, len, b, context, options),
                        fewer -> LOG.warn("out of memory; retrying with {} chunks at once", fewer),
                        b -> "out of memory with chunks of " + seconds(len, rate) + " s one at a time");
                return fromModelRate(y, rate, clip.sampleRate(), clip.frames());
            }, smaller -> LOG.warn("out of memory; retrying with chunks of {} s", seconds(smaller, rate)),
                    len -> "out of memory even with chunks of " + seconds(len, rate) + " s; close other programs or "
                            + "run on the CPU");
        }
        return Media.of(new AudioClip(out, clip.sampleRate(), clip.sourceBits()));
    }

    private static String seconds(int samples, int rate) {
        return String.format(java.util.Locale.ROOT, "%.1f", samples / (double) rate);
    }

    /**
     * One channel (at the model's rate) in chunks of {@code length} samples (the whole channel when longer), up to
     * {@code batch} chunks of equal length at once along the batch axis, each with its own noise.
     */
    private float[] enhanceChannel(float[] x, int c, int channels, int length, int batch, RunContext context,
                                   EnhanceOptions options) {
        int rate = enhancer.sampleRate();
        ChunkPlan plan = length >= x.length ? ChunkPlan.of(x.length, 0, 0)
                : ChunkPlan.of(x.length, length, Math.min(rate, length / 4));
        List<ChunkPlan.Chunk> chunks = plan.chunks();
        // groups of consecutive chunks of one length (the last chunk may be longer)
        List<int[]> groups = new ArrayList<>();
        for (int k = 0; k < chunks.size(); ) {
            int end = k + 1;
            while (end < chunks.size() && end - k < batch && chunks.get(end).length() == chunks.get(k).length()) {
                end++;
            }
            groups.add(new int[] {k, end});
            k = end;
        }
        int stages = channels * groups.size();
        float norm = Enhancer.peak(x);
        List<float[]> parts = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            int first = groups.get(g)[0];
            int end = groups.get(g)[1];
            List<float[]> signals = new ArrayList<>();
            List<NoiseSource> noises = new ArrayList<>();
            for (int k = first; k < end; k++) {
                signals.add(java.util.Arrays.copyOfRange(x, chunks.get(k).start(), chunks.get(k).end()));
                noises.add(noiseFor(context.noise(), k));
            }
            Stage stage = new Stage(c * groups.size() + g, stages, label(c, channels, first, end, chunks.size()));
            parts.addAll(enhancer.enhance(signals, norm, context.withNoise(StackedNoise.of(noises)), options, stage,
                    null));
        }
        return plan.join(parts);
    }

    private static String label(int c, int channels, int first, int end, int chunks) {
        String s = channels > 1 ? "channel " + (c + 1) + "/" + channels : "";
        if (chunks > 1) {
            s += (s.isEmpty() ? "" : ", ") + (end - first == 1 ? "chunk " + (first + 1)
                    : "chunks " + (first + 1) + "-" + end) + "/" + chunks;
        }
        return s;
    }

    /**
     * Every channel gets the same noise: a seeded source restarts from its seed for each channel and forks one
     * stream per chunk (so a chunk's noise does not depend on the others); any other source is used as it is.
     */
    private static NoiseSource noiseFor(NoiseSource base, int chunk) {
        if (base instanceof SeededNoise seeded) {
            return new SeededNoise(seeded.seed()).fork(chunk);
        }
        return base;
    }

    private float[] toModelRate(float[] x, int from, int to) {
        return from == to ? x : rates.convert(x, from, to);
    }

    private float[] fromModelRate(float[] x, int from, int to, int frames) {
        float[] y = from == to ? x : rates.convert(x, from, to);
        // sample-accurate: exactly the input's length (rounding of the two conversions may differ by a sample)
        return y.length == frames ? y : java.util.Arrays.copyOf(y, frames);
    }
}
