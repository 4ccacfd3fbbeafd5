package dev.restora.sgmse;

import ai.djl.ndarray.NDArray;
import dev.restora.core.diffusion.PreviewFrame;
import dev.restora.core.diffusion.PreviewRenderer;
import dev.restora.sgmse.signal.ComplexSpectrogram;

/**
 * Renders a step's predicted clean state as a magnitude spectrogram in dB (after the inverse compression, over
 * the recording's own frames, at the recording's level) and, when asked, its audio.
 */
final class SpectrogramPreview implements PreviewRenderer {
    private final SpectralSettings spectral;
    private final int frames;
    private final int samples;
    private final float norm;
    private final boolean audio;
    private final String label;

    SpectrogramPreview(SpectralSettings spectral, int frames, int samples, float norm, boolean audio, String label) {
        this.spectral = spectral;
        this.frames = frames;
        this.samples = samples;
        this.norm = norm;
        this.audio = audio;
        this.label = label;
    }

    @Override
    public PreviewFrame render(NDArray predictedClean, int step) {
        // chunks enhanced together: the first one's
        NDArray first = predictedClean.getShape().get(0) > 1 ? predictedClean.get("0:1") : predictedClean;
        ComplexSpectrogram padded = ComplexSpectrogram.fromState(first);
        // the inverse compression is element-wise: with audio, undo it once over all (padded) frames for the
        // iSTFT and show the first frames of that; without, only over the frames shown
        ComplexSpectrogram linPadded = audio ? spectral.transform().inverse(padded) : null;
        ComplexSpectrogram lin = audio ? linPadded.firstFrames(frames)
                : spectral.transform().inverse(padded.firstFrames(frames));
        int bins = lin.bins();
        float[] db = new float[bins * frames];
        for (int i = 0; i < db.length; i++) {
            double mag = Math.hypot(lin.re()[i], lin.im()[i]) * norm;
            db[i] = (float) (20 * Math.log10(mag + 1e-8));
        }
        float[] wave = null;
        if (audio) {
            wave = spectral.stft().inverse(linPadded, samples); // = spectral.synthesise(padded, samples)
            for (int i = 0; i < wave.length; i++) {
                wave[i] *= norm;
            }
        }
        return new PreviewFrame.Spectrogram(label, bins, frames, db, wave, spectral.sampleRate());
    }
}
