package dev.restora.sgmse.signal;

/**
 * Right-padding of the frame axis to the network's multiple (spec §1.1): zeros ({@code ncsnpp}, StoRM) or
 * reflection ({@code ncsnpp_v2}, {@code ncsnpp_48k}, Schrödinger bridge), where padded frame {@code T'+j} is
 * frame {@code T'-2-j} (the edge frame is not repeated, as {@code ReflectionPad2d}).
 */
public enum FramePadding {
    ZEROS,
    REFLECTION;

    /** Frames after padding {@code frames} to a multiple of {@code multiple}. */
    public static int paddedFrames(int frames, int multiple) {
        return (frames + multiple - 1) / multiple * multiple;
    }

    public ComplexSpectrogram pad(ComplexSpectrogram spec, int multiple) {
        int t = spec.frames();
        int target = paddedFrames(t, multiple);
        int p = target - t;
        if (p == 0) {
            return spec;
        }
        if (this == REFLECTION && p >= t) {
            throw new IllegalArgumentException("reflection padding of " + p + " frames needs more than " + p
                    + " frames, the input has " + t + " (the recording is too short)");
        }
        int bins = spec.bins();
        float[] re = new float[bins * target];
        float[] im = new float[bins * target];
        for (int b = 0; b < bins; b++) {
            System.arraycopy(spec.re(), b * t, re, b * target, t);
            System.arraycopy(spec.im(), b * t, im, b * target, t);
            if (this == REFLECTION) {
                for (int j = 0; j < p; j++) {
                    re[b * target + t + j] = spec.re()[b * t + t - 2 - j];
                    im[b * target + t + j] = spec.im()[b * t + t - 2 - j];
                }
            }
        }
        return new ComplexSpectrogram(bins, target, re, im);
    }
}
