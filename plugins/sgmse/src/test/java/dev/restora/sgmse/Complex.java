package dev.restora.sgmse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.restora.sgmse.signal.ComplexSpectrogram;

/** Conversions between the fixtures' complex layout (trailing (re, im) axis) and the port's layouts. */
final class Complex {
    private Complex() {
    }

    /** {@code [..., F, T, 2]} with a leading batch of one (any number of unit axes) to a spectrogram. */
    static ComplexSpectrogram spectrogram(NDArray a) {
        Shape s = a.getShape();
        int d = s.dimension();
        int bins = (int) s.get(d - 3);
        int frames = (int) s.get(d - 2);
        float[] v = a.toFloatArray();
        if (v.length != bins * frames * 2) {
            throw new IllegalArgumentException("not a single complex spectrogram: " + s);
        }
        float[] re = new float[bins * frames];
        float[] im = new float[bins * frames];
        for (int i = 0; i < re.length; i++) {
            re[i] = v[2 * i];
            im[i] = v[2 * i + 1];
        }
        return new ComplexSpectrogram(bins, frames, re, im);
    }

    /** A spectrogram to {@code [1, F, T, 2]}-style data with the given shape. */
    static NDArray array(ai.djl.ndarray.NDManager m, ComplexSpectrogram s, Shape shape) {
        float[] v = new float[s.re().length * 2];
        for (int i = 0; i < s.re().length; i++) {
            v[2 * i] = s.re()[i];
            v[2 * i + 1] = s.im()[i];
        }
        return m.create(v, shape);
    }

    /** {@code [B, 1, F, T, 2]} to the state layout {@code [B, 2, F, T]}. */
    static NDArray toState(NDArray a) {
        Shape s = a.getShape();
        return a.reshape(s.get(0), s.get(2), s.get(3), 2).transpose(0, 3, 1, 2);
    }

    /** The state layout {@code [B, 2, F, T]} to {@code [B, 1, F, T, 2]}. */
    static NDArray fromState(NDArray a) {
        Shape s = a.getShape();
        return a.transpose(0, 2, 3, 1).reshape(s.get(0), 1, s.get(2), s.get(3), 2);
    }
}
