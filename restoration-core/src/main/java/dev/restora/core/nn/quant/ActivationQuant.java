package dev.restora.core.nn.quant;

/**
 * Affine (asymmetric) 8-bit quantization of an activation tensor: {@code q = clamp(round(x / scale) + zeroPoint,
 * 0, 255)}, {@code x ~ (q - zeroPoint) * scale}. The range always includes 0, so zero (the convolution's padding) is
 * exact.
 */
public record ActivationQuant(double scale, int zeroPoint) {
    /** The parameters that cover [min, max] with 256 levels (min/max calibration). */
    public static ActivationQuant ofRange(double min, double max) {
        double lo = Math.min(min, 0);
        double hi = Math.max(max, 0);
        if (!(hi > lo) || !Double.isFinite(hi - lo)) {
            return new ActivationQuant(1.0, 0);
        }
        double scale = (hi - lo) / 255.0;
        int zp = (int) Math.max(0, Math.min(255, Math.round(-lo / scale)));
        return new ActivationQuant(scale, zp);
    }
}
