package dev.restora.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.checkpoint.StateDict;

/**
 * {@code conv3x3(F.interpolate(x, scale_factor=2, mode='nearest'))} (padding 1) computed as a sub-pixel convolution
 * at the input's resolution, without making the upsampled input.
 *
 * <p>Derivation (the "resize-convolution as sub-pixel convolution" identity; Shi et al., "Is the deconvolution layer
 * the same as a convolutional layer?", arXiv:1609.07009, and Odena et al., Distill 2016): the upsampled row
 * {@code r} is input row {@code floor(r/2)}, and zero padding of the upsampled image is zero padding of the input.
 * Output row {@code 2i+a} reads upsampled rows {@code 2i+a-1 .. 2i+a+1}, so for {@code a = 0} kernel row 0 meets
 * input row {@code i-1} and rows 1, 2 meet row {@code i}; for {@code a = 1} rows 0, 1 meet row {@code i} and row 2
 * meets row {@code i+1}; the same holds for columns with {@code b}. Each of the four phases {@code (a, b)} is thus a
 * 2x2 convolution over input rows {@code i-1+a .. i+a}, columns {@code j-1+b .. j+b}, whose taps are sums of the
 * 3x3 taps. The four phase kernels are stacked into one 2x2 convolution with padding 1 and 4*Cout outputs (bias
 * repeated), whose output O is (H+1) x (W+1), and {@code y[:, :, 2i+a, 2j+b] = O[:, phase(a,b), i+a, j+b]}:
 * 16 instead of 36 multiply-adds per input pixel and output channel per input channel.
 *
 * <p>The phase weights are summed in float64 from the checkpoint's float32 taps and rounded to float32 once at
 * load (float16 copies of them in a half-precision view). The phase convolution is an ordinary {@link Conv2dLayer},
 * so the int8 fast mode's {@link ConvHook} and the float16 branch apply to it, and {@link MacCounter} counts the
 * multiply-adds it actually does. The result is channels-last when {@link MemoryFormat} is on (as
 * {@link Resize#nearest2x} followed by a convolution gives), otherwise row-major.
 *
 * <p>{@code -Drestora.nn.subpixelUpsample=false} (read at every call) runs the plain path, nearest x2 then the
 * 3x3 convolution, with the same weights (for A/B; in a half-precision view it holds a float16 copy of the 3x3
 * weights as well). Inputs other than 4-D also take the plain path.
 */
public final class NearestUpsampleConv {
    /** System property switching the sub-pixel path (default true). */
    public static final String PROPERTY = "restora.nn.subpixelUpsample";
    /** For phase bit 0 / 1 and 2x2 tap 0 / 1: the 3x3 taps [from, to] summed into it. */
    private static final int[][][] TAPS = {{{0, 0}, {1, 2}}, {{0, 1}, {2, 2}}};

    private final Conv2dLayer plain;
    private final Conv2dLayer phases;
    private final long out;

    private NearestUpsampleConv(Conv2dLayer plain, Conv2dLayer phases) {
        this.plain = plain;
        this.phases = phases;
        this.out = plain.outChannels();
    }

    /** From the keys of the 3x3 convolution it replaces: {@code weight} [out, in, 3, 3] and optional {@code bias}. */
    public static NearestUpsampleConv load(StateDict sd, long in, long out) {
        NDArray w = sd.get("weight", out, in, 3, 3);
        NDArray b = sd.getOptional("bias");
        Conv2dLayer plain = new Conv2dLayer(Conv2dLayer.weight(sd, w), b, 1, 1, 1, 1, PaddingMode.ZEROS);
        return new NearestUpsampleConv(plain, phaseLayer(w, b, sd.halfPrecision()));
    }

    /**
     * For an existing 3x3 convolution with stride 1, zero padding 1, dilation 1 and no groups (anything else is
     * refused). The phase weights are summed from its weights (from float16 taps for a float16 layer).
     */
    public static NearestUpsampleConv of(Conv2dLayer conv) {
        Shape k = conv.weight().getShape();
        if (k.get(2) != 3 || k.get(3) != 3 || conv.stride() != 1 || conv.padding() != 1 || conv.dilation() != 1
                || conv.groups() != 1 || conv.paddingMode() != PaddingMode.ZEROS) {
            throw new IllegalArgumentException("not a 3x3 convolution with stride 1 and zero padding 1: " + k);
        }
        boolean half = conv.weight().getDataType() == DataType.FLOAT16;
        return new NearestUpsampleConv(conv, phaseLayer(conv.weight(), conv.bias(), half));
    }

    private static Conv2dLayer phaseLayer(NDArray w, NDArray b, boolean half) {
        NDArray pw = phaseWeights(w);
        if (half) {
            NDArray h = Precision.half(pw);
            pw.close();
            pw = h;
        }
        NDArray pb = null;
        if (b != null) {
            float[] bias = floats(b);
            pb = b.getManager().create(repeat4(bias), new Shape(4L * bias.length));
        }
        return new Conv2dLayer(pw, pb, 1, 1, 1, 1, PaddingMode.ZEROS);
    }

    /** The stacked phase kernels [4*out, in, 2, 2] of a 3x3 weight [out, in, 3, 3], phase {@code 2a+b} outermost. */
    static NDArray phaseWeights(NDArray w) {
        Shape s = w.getShape();
        int o = (int) s.get(0);
        int in = (int) s.get(1);
        float[] src = floats(w);
        float[] dst = new float[4 * o * in * 4];
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                int phase = 2 * a + b;
                for (int oc = 0; oc < o; oc++) {
                    for (int ic = 0; ic < in; ic++) {
                        int base = (oc * in + ic) * 9;
                        int to = (((phase * o + oc) * in) + ic) * 4;
                        for (int u = 0; u < 2; u++) {
                            for (int v = 0; v < 2; v++) {
                                double sum = 0;
                                for (int ky = TAPS[a][u][0]; ky <= TAPS[a][u][1]; ky++) {
                                    for (int kx = TAPS[b][v][0]; kx <= TAPS[b][v][1]; kx++) {
                                        sum += src[base + ky * 3 + kx];
                                    }
                                }
                                dst[to + u * 2 + v] = (float) sum;
                            }
                        }
                    }
                }
            }
        }
        return w.getManager().create(dst, new Shape(4L * o, in, 2, 2));
    }

    /** The values of {@code a} as float32 (a temporary float32 copy of a float16 array is closed again). */
    private static float[] floats(NDArray a) {
        NDArray f = Precision.float32(a);
        float[] v = f.toFloatArray();
        if (f != a) {
            f.close();
        }
        return v;
    }

    private static float[] repeat4(float[] b) {
        float[] r = new float[4 * b.length];
        for (int p = 0; p < 4; p++) {
            System.arraycopy(b, 0, r, p * b.length, b.length);
        }
        return r;
    }

    /** Whether the sub-pixel path is on (the property). */
    public static boolean enabled() {
        return !"false".equals(System.getProperty(PROPERTY));
    }

    /** The 2x2 phase convolution (4*out outputs), as the int8 mode and the MAC count see it. */
    public Conv2dLayer phaseConv() {
        return phases;
    }

    /** The 3x3 convolution of the plain path. */
    public Conv2dLayer plainConv() {
        return plain;
    }

    /** {@code conv3x3(nearest2x(x))} for an N x C x H x W {@code x}. */
    public NDArray forward(NDArray x) {
        if (!enabled() || x.getShape().dimension() != 4) {
            return plain.forward(Resize.nearest2x(x));
        }
        return Scoped.apply(x, this::subPixel);
    }

    private NDArray subPixel(NDArray x) {
        long n = x.getShape().get(0);
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        long c = out;
        NDArray o = phases.forward(x);
        boolean channelsLast = MemoryFormat.enabled();
        // one full-size copy: each phase's strided (N, C, H, W) slice of O goes to its strided place in the output
        NDArray y = o.getManager().create(channelsLast ? new Shape(n, h, 2, w, 2, c) : new Shape(n, c, h, 2, w, 2),
                o.getDataType());
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                long p = 2L * a + b;
                NDArray phase = o.get(new NDIndex(":, {}:{}, {}:{}, {}:{}", p * c, (p + 1) * c, a, a + h, b, b + w));
                if (channelsLast) {
                    y.set(new NDIndex(":, :, {}, :, {}, :", a, b), phase.transpose(0, 2, 3, 1));
                } else {
                    y.set(new NDIndex(":, :, :, {}, :, {}", a, b), phase);
                }
            }
        }
        return channelsLast ? y.reshape(n, 2 * h, 2 * w, c).transpose(0, 3, 1, 2) : y.reshape(n, c, 2 * h, 2 * w);
    }
}
