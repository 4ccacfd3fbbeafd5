package dev.restora.sgmse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.restora.core.diffusion.DiffusionLoop;
import dev.restora.core.diffusion.Stage;
import dev.restora.core.pipeline.RunContext;
import dev.restora.sgmse.sampling.SamplerProbe;
import dev.restora.sgmse.signal.ComplexSpectrogram;
import java.util.ArrayList;
import java.util.List;

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

    /** Which sampler family this is (for the named presets, {@link SpeechPresets}). */
    public abstract SpeechPresets.Kind kind();

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
        return enhance(List.of(signal), norm, context, options, stage, probe).get(0);
    }

    /**
     * Whether chunks may go through the sampler together along the batch axis with these options and give what
     * each gives alone: not where a step couples the batch (the "langevin" corrector's step size averages norms over
     * it; the probability-flow ODE's adaptive step control runs a batch of one).
     */
    public boolean batchable(EnhanceOptions options) {
        return !options.corrector().equals("langevin") || options.correctorSteps() == 0;
    }

    /**
     * Several signals of one length enhanced together along the batch axis (each element's noise comes from
     * {@code context.noise()}, a {@link dev.restora.core.diffusion.StackedNoise} for more than one), all normalised
     * by {@code norm}; previews show the first. See {@link #batchable}.
     */
    public List<float[]> enhance(List<float[]> signals, float norm, RunContext context, EnhanceOptions options,
                                 Stage stage, SamplerProbe probe) {
        SamplerProbe p = probe == null ? SamplerProbe.NONE : probe;
        int length = signals.get(0).length;
        for (float[] x : signals) {
            if (x.length != length) {
                throw new IllegalArgumentException("signals of one length only: " + x.length + " vs " + length);
            }
        }
        List<float[]> results = new ArrayList<>();
        if (norm == 0) {
            for (int i = 0; i < signals.size(); i++) {
                results.add(new float[length]); // silence stays silence (the reference would divide by zero)
            }
            return results;
        }
        List<ComplexSpectrogram> inputs = new ArrayList<>();
        int frames = 0;
        for (float[] signal : signals) {
            float[] y = new float[length];
            for (int i = 0; i < y.length; i++) {
                y[i] = signal[i] / norm;
            }
            ComplexSpectrogram spec = spectral.stft().forward(y);
            frames = spec.frames();
            inputs.add(spectral.padding().pad(spectral.transform().forward(spec), spectral.frameMultiple()));
        }
        List<ComplexSpectrogram> outs = new ArrayList<>();
        try (NDManager run = context.scope().newSubManager()) {
            NDList states = new NDList();
            for (ComplexSpectrogram in : inputs) {
                states.add(in.toState(run));
            }
            NDArray yState = states.size() == 1 ? states.get(0) : NDArrays.concat(states, 0);
            p.see(-1, "Y", yState);
            SpectrogramPreview preview = new SpectrogramPreview(spectral, frames, length, norm,
                    options.previewAudio(), "predicted clean");
            NDArray sample = sample(yState, run, context, options, stage, preview, p);
            p.see(-1, "sample", sample);
            for (int i = 0; i < signals.size(); i++) {
                outs.add(ComplexSpectrogram.fromState(signals.size() == 1 ? sample : sample.get(i + ":" + (i + 1))));
            }
        }
        for (ComplexSpectrogram out : outs) {
            float[] x = spectral.synthesise(out, length);
            for (int i = 0; i < x.length; i++) {
                x[i] *= norm;
            }
            results.add(x);
        }
        return results;
    }

    /** Runs the reverse process from the padded transformed input and returns the final state (owned by {@code run}). */
    protected abstract NDArray sample(NDArray y, NDManager run, RunContext context, EnhanceOptions options, Stage stage,
                                      SpectrogramPreview preview, SamplerProbe probe);

    static DiffusionLoop loop(RunContext context, SpectrogramPreview preview) {
        return new DiffusionLoop(context, preview, null);
    }
}
