package dev.restora.classic.speech;

import dev.restora.audio.AudioClip;
import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.PreviewFrame;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.StepEvent;
import dev.restora.core.diffusion.StepListener;
import dev.restora.core.pipeline.Media;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.PipelineDescriptor;
import dev.restora.core.pipeline.RestorationPipeline;
import dev.restora.core.pipeline.RunContext;
import java.time.Duration;

/**
 * Runs the {@link SpeechEnhancer} on every channel of a recording at its own sample rate. Each channel is a
 * stage; a step is a block of {@value #FRAMES_PER_STEP} STFT frames. The cancellation token is checked at every
 * step. The enhancer runs many times faster than real time, so finish-early is not needed: it is ignored and the
 * whole recording is processed.
 */
final class ClassicSpeechPipeline implements RestorationPipeline {
    static final int FRAMES_PER_STEP = 64;

    private final PipelineDescriptor descriptor;

    ClassicSpeechPipeline(PipelineDescriptor descriptor) {
        this.descriptor = descriptor;
    }

    @Override
    public PipelineDescriptor descriptor() {
        return descriptor;
    }

    /** The enhancer settings from the run's parameters. */
    static SpeechEnhancer.Settings settings(ParameterValues p) {
        SpectralGain.Estimator est = switch (p.getString(ClassicSpeechProvider.ESTIMATOR)) {
            case "wiener" -> SpectralGain.Estimator.WIENER;
            case "om-lsa" -> SpectralGain.Estimator.OM_LSA;
            default -> SpectralGain.Estimator.LOG_MMSE;
        };
        double strength = p.getDouble(ClassicSpeechProvider.STRENGTH);
        return new SpeechEnhancer.Settings(est, 5 + 30 * strength, p.getDouble(ClassicSpeechProvider.NOISE_WINDOW));
    }

    @Override
    public Media run(Media input, RunContext context) {
        if (!(input instanceof Media.Audio audio)) {
            throw new RestoraException(descriptor.displayName() + " restores speech recordings, not "
                    + input.modality().name().toLowerCase(java.util.Locale.ROOT) + " input");
        }
        AudioClip clip = audio.clip();
        SpeechEnhancer.Settings settings = settings(context.parameters());
        StepListener listener = context.listener() == null ? StepListener.NONE : context.listener();
        CancellationToken token = context.token() == null ? new CancellationToken() : context.token();
        long started = context.startNanos();
        int channels = clip.channelCount();
        float[][] out = new float[channels][];
        PreviewPolicy policy = context.previews() == null ? PreviewPolicy.OFF : context.previews();
        for (int c = 0; c < channels; c++) {
            token.throwIfCancelled();
            SpeechEnhancer enhancer = new SpeechEnhancer(clip.sampleRate(), settings);
            float[] x = clip.channels()[c];
            int frames = enhancer.frames(x.length);
            int steps = (frames + FRAMES_PER_STEP - 1) / FRAMES_PER_STEP;
            SpectrogramCanvas canvas = policy.enabled()
                    ? new SpectrogramCanvas(frames, enhancer.stft().bins(), enhancer.stft().fftSize(), clip.sampleRate()) : null;
            PreviewPolicy.Gate gate = policy.gate();
            int stage = c;
            String label = channels == 1 ? "" : "channel " + (c + 1) + "/" + channels;
            out[c] = enhancer.enhance(x, FRAMES_PER_STEP, (done, total, db, from, to) -> {
                token.throwIfCancelled();
                int step = (done - 1) / FRAMES_PER_STEP;
                PreviewFrame preview = null;
                if (canvas != null) {
                    canvas.addEnhanced(db, from, to);
                    if (gate.shouldRender(step, steps, System.nanoTime())) {
                        preview = canvas.render("enhanced");
                    }
                }
                listener.onStep(new StepEvent(step, steps, stage, channels, label,
                        Duration.ofNanos(System.nanoTime() - started), preview, null));
            }, canvas != null);
        }
        return Media.of(clip.withChannels(out));
    }
}
