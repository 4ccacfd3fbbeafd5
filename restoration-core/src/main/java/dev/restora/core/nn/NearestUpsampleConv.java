package dev.restora.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.nn.quant.Int8Conv2d;

/**
 * {@code conv3x3(F.interpolate(x, scale_factor=s, mode='nearest'))} (padding 1, integer s >= 2; s = 2 in the
 * diffusion networks) computed as a sub-pixel convolution at the input's resolution, without making the upsampled
 * input.
 *
 * <p>Derivation (resize-convolution, Odena et al., "Deconvolution and Checkerboard Artifacts", Distill 2016, written
 * as a sub-pixel convolution, Shi et al., "Is the deconvolution layer the same as a convolutional layer?",
 * arXiv:1609.07009): upsampled row {@code r} is input row {@code floor(r/s)}, and zero padding of the upsampled
 * image is zero padding of the input. Output row {@code s*i+a} reads upsampled rows {@code s*i+a-1 .. s*i+a+1},
 * so kernel row {@code ky} meets input row {@code i + floor((a+ky-1)/s)}. For s = 2: for {@code a = 0} kernel row 0
 * meets input row {@code i-1} and rows 1, 2 meet row {@code i}; for {@code a = 1} rows 0, 1 meet row {@code i} and
 * row 2 meets row {@code i+1} (for s > 2 the middle phases read row {@code i} only); the same holds for columns with
 * {@code b}. Each phase {@code (a, b)} is thus a 2x2 convolution over input rows {@code i-1+oa .. i+oa} and columns
 * {@code j-1+ob .. j+ob} ({@code o = 1} for the last phase {@code s-1}, else 0) whose taps are sums of the 3x3 taps.
 * The s*s phase kernels are stacked into one 2x2 convolution with padding 1 and s*s*Cout outputs (bias repeated),
 * whose output O is (H+1) x (W+1), and {@code y[:, :, s*i+a, s*j+b] = O[:, phase(a,b), i+oa, j+ob]}: for s = 2,
 * 16 instead of 36 multiply-adds per input pixel, input channel and output channel.
 *
 * <p>The phase weights are summed in float64 from the checkpoint's float32 taps and rounded to float32 once at
 * load (float16 copies of them in a half-precision view). The phase convolution is an ordinary {@link Conv2dLayer},
 * so the int8 fast mode's {@link ConvHook} and the float16 branch apply to it, and {@link MacCounter} counts the
 * multiply-adds it actually does. The result is channels-last when {@link MemoryFormat} is on (as
 * {@link Resize#nearest2x} followed by a convolution gives), otherwise row-major; the phases are interleaved with
 * one full-size copy (strided slice assignment; measured faster than two stacks at 256 channels, equal at 512).
 *
 * <p>{@code -Drestora.nn.subpixelUpsample=false} (read at every call) runs the plain path, nearest upsampling then
 * the 3x3 convolution, with the same weights (for A/B; in a half-precision view it holds a float16 copy of the 3x3
 * weights as well). Inputs other than 4-D also take the plain path, and so does a call under a {@link ConvHook}
 * (the int8 mode's calibration and quantized runs) when {@link Int8Conv2d#eligible} differs between the two
 * convolutions (a thin output such as ESRGAN's 3-channel last convolution after x3 or x4: its s*s*3 phase outputs
 * would be quantized where the original convolution stays float32), so that the int8 mode quantizes the same layers.
 */
public final class NearestUpsampleConv {
    /** System property switching the sub-pixel path (default true). */
    public static final String PROPERTY = "restora.nn.subpixelUpsample";

    private final Conv2dLayer plain;
    private final Conv2dLayer phases;
    private final int factor;
    private final long out;
    /** Whether the int8 mode would quantize the phase convolution but not the plain one (or the reverse). */
    private final boolean int8Differs;

    private NearestUpsampleConv(Conv2dLayer plain, Conv2dLayer phases, int factor) {
        this.plain = plain;
        this.phases = phases;
        this.factor = factor;
        this.out = plain.outChannels();
        this.int8Differs = Int8Conv2d.eligible(plain) != Int8Conv2d.eligible(phases);
    }

    /**
     * Nearest x2 then the 3x3 convolution of the keys it replaces: {@code weight} [out, in, 3, 3] and optional
     * {@code bias}.
     */
    public static NearestUpsampleConv load(StateDict sd, long in, long out) {
        NDArray w = sd.get("weight", out, in, 3, 3);
        NDArray b = sd.getOptional("bias");
        Conv2dLayer plain = new Conv2dLayer(Conv2dLayer.weight(sd, w), b, 1, 1, 1, 1, PaddingMode.ZEROS);
        return new NearestUpsampleConv(plain, phaseLayer(w, b, 2, sd.halfPrecision()), 2);
    }

    /**
     * Nearest x{@code factor} then {@code conv}, a 3x3 convolution with stride 1, zero padding 1, dilation 1 and no
     * groups (anything else is refused). The phase weights are summed from its weights (from float16 taps for a
     * float16 layer).
     */
    public static NearestUpsampleConv of(Conv2dLayer conv, int factor) {
        Shape k = conv.weight().getShape();
        if (k.get(2) != 3 || k.get(3) != 3 || conv.stride() != 1 || conv.padding() != 1 || conv.dilation() != 1
                || conv.groups() != 1 || conv.paddingMode() != PaddingMode.ZEROS || factor < 2) {
            throw new IllegalArgumentException("not a 3x3 convolution with stride 1 and zero padding 1 after an "
                    + "upsampling by 2 or more: " + k + ", factor " + factor);
        }
        boolean half = conv.weight().getDataType() == DataType.FLOAT16;
        return new NearestUpsampleConv(conv, phaseLayer(conv.weight(), conv.bias(), factor, half), factor);
    }

    private static Conv2dLayer phaseLayer(NDArray w, NDArray b, int s, boolean half) {
        NDArray pw = phaseWeights(w, s);
        if (half) {
            NDArray h = Precision.half(pw);
            pw.close();
            pw = h;
        }
        NDArray pb = null;
        if (b != null) {
            float[] bias = floats(b);
            float[] r = new float[s * s * bias.length];
            for (int p = 0; p < s * s; p++) {
                System.arraycopy(bias, 0, r, p * bias.length, bias.length);
            }
            pb = b.getManager().create(r, new Shape(r.length));
        }
        return new Conv2dLayer(pw, pb, 1, 1, 1, 1, PaddingMode.ZEROS);
    }

    /** The window offset of phase {@code a}: 1 for the last phase (it reads the next input row), else 0. */
    private static int offset(int a, int s) {
        return a == s - 1 ? 1 : 0;
    }

    /** The 2x2 tap (0 or 1) that 3x3 kernel row {@code ky} falls on in phase {@code a}. */
    static int tap(int a, int ky, int s) {
        return Math.floorDiv(a + ky - 1, s) - offset(a, s) + 1;
    }

    /**
     * The stacked phase kernels [s*s*out, in, 2, 2] of a 3x3 weight [out, in, 3, 3], phase {@code s*a+b}
     * outermost, each tap summed in float64.
     */
    static NDArray phaseWeights(NDArray w, int s) {
        Shape shape = w.getShape();
        int o = (int) shape.get(0);
        int in = (int) shape.get(1);
        float[] src = floats(w);
        float[] dst = new float[s * s * o * in * 4];
        double[] sum = new double[4];
        for (int a = 0; a < s; a++) {
            for (int b = 0; b < s; b++) {
                int phase = s * a + b;
                for (int oc = 0; oc < o; oc++) {
                    for (int ic = 0; ic < in; ic++) {
                        int base = (oc * in + ic) * 9;
                        java.util.Arrays.fill(sum, 0);
                        for (int ky = 0; ky < 3; ky++) {
                            for (int kx = 0; kx < 3; kx++) {
                                sum[tap(a, ky, s) * 2 + tap(b, kx, s)] += src[base + ky * 3 + kx];
                            }
                        }
                        int to = ((phase * o + oc) * in + ic) * 4;
                        for (int t = 0; t < 4; t++) {
                            dst[to + t] = (float) sum[t];
                        }
                    }
                }
            }
        }
        return w.getManager().create(dst, new Shape((long) s * s * o, in, 2, 2));
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

    /** Whether the sub-pixel path is on (the property). */
    public static boolean enabled() {
        return !"false".equals(System.getProperty(PROPERTY));
    }

    /** The 2x2 phase convolution (s*s*out outputs), as the int8 mode and the MAC count see it. */
    public Conv2dLayer phaseConv() {
        return phases;
    }

    /** The 3x3 convolution of the plain path. */
    public Conv2dLayer plainConv() {
        return plain;
    }

    public int factor() {
        return factor;
    }

    /** {@code conv3x3(nearest(x, factor))} for an N x C x H x W {@code x}. */
    public NDArray forward(NDArray x) {
        if (!enabled() || x.getShape().dimension() != 4 || int8Differs && ConvHook.current() != null) {
            return plain.forward(factor == 2 ? Resize.nearest2x(x) : x.repeat(2, factor).repeat(3, factor));
        }
        return Scoped.apply(x, this::subPixel);
    }

    private NDArray subPixel(NDArray x) {
        long n = x.getShape().get(0);
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        long c = out;
        int s = factor;
        NDArray o = phases.forward(x);
        boolean channelsLast = MemoryFormat.enabled();
        // one full-size copy: each phase's strided (N, C, H, W) slice of O goes to its strided place in the output
        NDArray y = o.getManager().create(channelsLast ? new Shape(n, h, s, w, s, c) : new Shape(n, c, h, s, w, s),
                o.getDataType());
        for (int a = 0; a < s; a++) {
            for (int b = 0; b < s; b++) {
                long p = (long) s * a + b;
                int oa = offset(a, s);
                int ob = offset(b, s);
                NDArray phase = o.get(new NDIndex(":, {}:{}, {}:{}, {}:{}", p * c, (p + 1) * c, oa, oa + h, ob,
                        ob + w));
                if (channelsLast) {
                    y.set(new NDIndex(":, :, {}, :, {}, :", a, b), phase.transpose(0, 2, 3, 1));
                } else {
                    y.set(new NDIndex(":, :, :, {}, :, {}", a, b), phase);
                }
            }
        }
        return channelsLast ? y.reshape(n, s * h, s * w, c).transpose(0, 3, 1, 2) : y.reshape(n, c, s * h, s * w);
    }
}
