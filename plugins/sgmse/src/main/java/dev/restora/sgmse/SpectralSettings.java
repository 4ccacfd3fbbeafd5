package dev.restora.sgmse;

import dev.restora.sgmse.signal.ComplexSpectrogram;
import dev.restora.sgmse.signal.FramePadding;
import dev.restora.sgmse.signal.SpectralTransform;
import dev.restora.sgmse.signal.Stft;
import dev.restora.sgmse.signal.WindowType;

/**
 * The front end of one checkpoint (spec §1), read from its hyper-parameters: sample rate, STFT, compression
 * transform and frame padding (multiple of 64 frames).
 */
public record SpectralSettings(int sampleRate, Stft stft, SpectralTransform transform, FramePadding padding,
                               int frameMultiple) {
    public static final int FRAME_MULTIPLE = 64;

    /**
     * @param sampleRate  the model's rate (SGMSE: 48000 only for ncsnpp_48k; StoRM: 16000)
     * @param padding     zero or reflection per backbone
     * @param defaultBeta spec_factor when absent (0.15 SGMSE; StoRM always stores it)
     */
    public static SpectralSettings from(HyperParameters hp, int sampleRate, FramePadding padding, double defaultBeta) {
        int nFft = hp.integer("n_fft", 510);
        int hop = hp.integer("hop_length", 128);
        Stft stft = new Stft(nFft, hop, WindowType.parse(hp.string("window", "hann")));
        SpectralTransform t = new SpectralTransform(SpectralTransform.parseType(hp.string("transform_type", "exponent")),
                hp.number("spec_abs_exponent", 0.5), hp.number("spec_factor", defaultBeta));
        return new SpectralSettings(sampleRate, stft, t, padding, FRAME_MULTIPLE);
    }

    /** STFT, transform and frame padding of a peak-normalised waveform: the network's {@code Y}. */
    public ComplexSpectrogram analyse(float[] normalised) {
        return padding.pad(transform.forward(stft.forward(normalised)), frameMultiple);
    }

    /** Inverse transform and iSTFT over all (padded) frames, cropped to {@code length} samples. */
    public float[] synthesise(ComplexSpectrogram spec, int length) {
        return stft.inverse(transform.inverse(spec), length);
    }
}
