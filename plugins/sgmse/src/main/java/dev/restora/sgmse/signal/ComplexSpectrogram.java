package dev.restora.sgmse.signal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A one-sided complex spectrogram held in Java memory: real and imaginary parts, frequency-major
 * ({@code re[bin * frames + frame]}), bin 0 the lowest. The network state layout of spec §11 is the pair
 * stacked as channels: {@code [1, 2, bins, frames]} = (real, imaginary).
 */
public record ComplexSpectrogram(int bins, int frames, float[] re, float[] im) {
    public ComplexSpectrogram {
        if (re.length != (long) bins * frames || im.length != re.length) {
            throw new IllegalArgumentException("spectrogram arrays do not hold " + bins + " x " + frames + " values");
        }
    }

    public static ComplexSpectrogram zeros(int bins, int frames) {
        return new ComplexSpectrogram(bins, frames, new float[bins * frames], new float[bins * frames]);
    }

    /** The state layout {@code [1, 2, bins, frames]} (channel 0 real, channel 1 imaginary). */
    public NDArray toState(NDManager manager) {
        NDArray r = manager.create(re, new Shape(1, 1, bins, frames));
        NDArray i = manager.create(im, new Shape(1, 1, bins, frames));
        return NDArrays.concat(new NDList(r, i), 1);
    }

    /** Reads a {@code [1, 2, bins, frames]} state back (a batch of one). */
    public static ComplexSpectrogram fromState(NDArray state) {
        Shape s = state.getShape();
        if (s.dimension() != 4 || s.get(0) != 1 || s.get(1) != 2) {
            throw new IllegalArgumentException("expected a [1, 2, F, T] state, got " + s);
        }
        int bins = (int) s.get(2);
        int frames = (int) s.get(3);
        float[] all = state.toFloatArray();
        float[] re = new float[bins * frames];
        float[] im = new float[bins * frames];
        System.arraycopy(all, 0, re, 0, re.length);
        System.arraycopy(all, re.length, im, 0, im.length);
        return new ComplexSpectrogram(bins, frames, re, im);
    }

    /** The first {@code count} frames. */
    public ComplexSpectrogram firstFrames(int count) {
        float[] r = new float[bins * count];
        float[] i = new float[bins * count];
        for (int b = 0; b < bins; b++) {
            System.arraycopy(re, b * frames, r, b * count, count);
            System.arraycopy(im, b * frames, i, b * count, count);
        }
        return new ComplexSpectrogram(bins, count, r, i);
    }
}
