package dev.restora.sgmse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.restora.core.diffusion.DiffusionLoop;
import dev.restora.core.diffusion.Stage;
import dev.restora.core.pipeline.RunContext;
import dev.restora.sgmse.sampling.SamplerProbe;
import dev.restora.sgmse.signal.ComplexSpectrogram;

/**
 * One mono enhancement at the model's sample rate, as the official scripts do it (spec §1.2, §1.3): peak
 * normalisation, STFT + compression + frame padding, the reverse diffusion through {@link DiffusionLoop}, the
 * inverse over all frames, the original level restored. Subclasses supply the sampler.
 */
public abstract class Enhancer {
    private final SpectralSettings spectral;

    protected Enhancer(SpectralSettings spectral) {
        this.spectral = spectral;
    }

    public SpectralSettings spectral() {
        return spectral;
    }

    public int sampleRate() {
        return spectral.sampleRate();
    }

    /** The number of diffusion steps a run with these options takes (for progress and benchmarks). */
    public abstract int steps(EnhanceOptions options);

    /**
     * Enhances {@code signal} (mono, at {@link #sampleRate()}); the output has the same length. Every array is
     * made in {@code context.scope()} or below and freed before returning.
     *
     * @param probe sees "Y" (the padded transformed input), the sampler's intermediates and "sample"
     */
    public float[] enhance(float[] signal, RunContext context, EnhanceOptions options, Stage stage, SamplerProbe probe) {
        return enhance(signal, peak(signal), context, options, stage, probe);
    }

    /** {@code max |x|}, the official normalisation factor. */
    public static float peak(float[] signal) {
        float norm = 0;
        for (float v : signal) {
            norm = Math.max(norm, Math.abs(v));
        }
        return norm;
    }

    /**
     * As {@link #enhance(float[], RunContext, EnhanceOptions, Stage, SamplerProbe)} with a given normalisation
     * factor: chunks of a long recording share the whole recording's peak, so that each chunk sees the level the
     * unchunked run would.
     */
    public float[] enhance(float[] signal, float norm, RunContext context, EnhanceOptions options, Stage stage,
                           SamplerProbe probe) {
        SamplerProbe p = probe == null ? SamplerProbe.NONE : probe;
        if (norm == 0) {
            return new float[signal.length]; // silence stays silence (the reference would divide by zero)
        }
        float[] y = new float[signal.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = signal[i] / norm;
        }
        ComplexSpectrogram spec = spectral.stft().forward(y);
        int frames = spec.frames();
        ComplexSpectrogram padded = spectral.padding().pad(spectral.transform().forward(spec), spectral.frameMultiple());
        ComplexSpectrogram out;
        try (NDManager run = context.scope().newSubManager()) {
            NDArray yState = padded.toState(run);
            p.see(-1, "Y", yState);
            SpectrogramPreview preview = new SpectrogramPreview(spectral, frames, signal.length, norm,
                    options.previewAudio(), "predicted clean");
            NDArray sample = sample(yState, run, context, options, stage, preview, p);
            p.see(-1, "sample", sample);
            out = ComplexSpectrogram.fromState(sample);
        }
        float[] x = spectral.synthesise(out, signal.length);
        for (int i = 0; i < x.length; i++) {
            x[i] *= norm;
        }
        return x;
    }

    /** Runs the reverse process from the padded transformed input and returns the final state (owned by {@code run}). */
    protected abstract NDArray sample(NDArray y, NDManager run, RunContext context, EnhanceOptions options, Stage stage,
                                      SpectrogramPreview preview, SamplerProbe probe);

    static DiffusionLoop loop(RunContext context, SpectrogramPreview preview) {
        return new DiffusionLoop(context, preview, null);
    }
}
