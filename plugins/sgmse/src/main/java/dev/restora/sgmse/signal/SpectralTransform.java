package dev.restora.sgmse.signal;

import java.util.Locale;

/**
 * The amplitude compression SGMSE applies to the STFT (spec §1.1, hparam {@code transform_type}):
 * {@code exponent}: {@code c' = beta |c|^alpha e^{i arg c}} (the power is skipped when alpha = 1);
 * {@code log}: {@code c' = beta ln(1 + |c|) e^{i arg c}}; {@code none}: identity (beta not applied).
 */
public final class SpectralTransform {
    public enum Type { EXPONENT, LOG, NONE }

    private final Type type;
    private final double alpha;
    private final double beta;

    public SpectralTransform(Type type, double alpha, double beta) {
        if (type != Type.NONE && !(beta > 0)) {
            throw new IllegalArgumentException("spec_factor must be positive, got " + beta);
        }
        if (type == Type.EXPONENT && !(alpha > 0)) {
            throw new IllegalArgumentException("spec_abs_exponent must be positive, got " + alpha);
        }
        this.type = type;
        this.alpha = alpha;
        this.beta = beta;
    }

    public static Type parseType(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "exponent" -> Type.EXPONENT;
            case "log" -> Type.LOG;
            case "none" -> Type.NONE;
            default -> throw new IllegalArgumentException("unsupported transform_type '" + name + "'");
        };
    }

    public Type type() {
        return type;
    }

    public double alpha() {
        return alpha;
    }

    public double beta() {
        return beta;
    }

    /** The transformed copy of {@code spec}. */
    public ComplexSpectrogram forward(ComplexSpectrogram spec) {
        return map(spec, true);
    }

    /** The inverse: {@code c = c'/beta}, then magnitude to the power 1/alpha (or {@code e^{|c|} - 1} for log). */
    public ComplexSpectrogram inverse(ComplexSpectrogram spec) {
        return map(spec, false);
    }

    private ComplexSpectrogram map(ComplexSpectrogram spec, boolean forward) {
        float[] re = spec.re();
        float[] im = spec.im();
        float[] ro = new float[re.length];
        float[] io = new float[im.length];
        for (int i = 0; i < re.length; i++) {
            double r = re[i];
            double m = im[i];
            double scale;
            if (type == Type.NONE) {
                scale = 1;
            } else if (forward) {
                double mag = Math.hypot(r, m);
                if (type == Type.EXPONENT) {
                    scale = alpha == 1 ? beta : (mag == 0 ? 0 : beta * Math.pow(mag, alpha) / mag);
                } else {
                    scale = mag == 0 ? 0 : beta * Math.log1p(mag) / mag;
                }
            } else {
                double mag = Math.hypot(r, m) / beta;
                if (type == Type.EXPONENT) {
                    scale = alpha == 1 ? 1 / beta : (mag == 0 ? 0 : Math.pow(mag, 1 / alpha) / mag / beta);
                } else {
                    scale = mag == 0 ? 0 : Math.expm1(mag) / mag / beta;
                }
            }
            ro[i] = (float) (r * scale);
            io[i] = (float) (m * scale);
        }
        return new ComplexSpectrogram(spec.bins(), spec.frames(), ro, io);
    }
}
