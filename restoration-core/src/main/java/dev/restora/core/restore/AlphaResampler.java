package dev.restora.core.restore;

import dev.restora.core.nn.Resize;

/**
 * Resizes an alpha plane with plain bicubic interpolation, as torch's {@code interpolate(mode="bicubic",
 * align_corners=False, antialias=False)} does: Keys' cubic convolution with A = -0.75, half-pixel centres and
 * border-clamped taps ({@link Resize#bicubicTaps}, the same weights the networks' resize uses), done separably
 * (rows, then columns). The result is clipped to [0, 1]. Pure Java: the alpha
 * plane never goes through the network.
 */
public final class AlphaResampler {

    private AlphaResampler() {
    }

    /** {@code alpha} (H x W, row-major) resized to {@code outW x outH}. */
    public static float[] resize(float[] alpha, int w, int h, int outW, int outH) {
        if (alpha.length != (long) w * h) {
            throw new IllegalArgumentException("alpha has " + alpha.length + " values, expected " + w + "x" + h);
        }
        if (outW <= 0 || outH <= 0) {
            throw new IllegalArgumentException("output size must be positive: " + outW + "x" + outH);
        }
        if (outW == w && outH == h) {
            return alpha.clone();
        }
        Resize.Taps tx = Resize.bicubicTaps(w, outW);
        Resize.Taps ty = Resize.bicubicTaps(h, outH);
        float[] rows = new float[h * outW];
        for (int y = 0; y < h; y++) {
            int base = y * w;
            for (int x = 0; x < outW; x++) {
                double s = 0;
                for (int k = 0; k < 4; k++) {
                    s += tx.weight()[4 * x + k] * alpha[base + tx.index()[4 * x + k]];
                }
                rows[y * outW + x] = (float) s;
            }
        }
        float[] out = new float[outW * outH];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                double s = 0;
                for (int k = 0; k < 4; k++) {
                    s += ty.weight()[4 * y + k] * rows[ty.index()[4 * y + k] * outW + x];
                }
                out[y * outW + x] = (float) Math.max(0, Math.min(1, s));
            }
        }
        return out;
    }
}
