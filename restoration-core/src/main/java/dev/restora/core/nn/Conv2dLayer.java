package dev.restora.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.checkpoint.StateDict;

/**
 * torch.nn.Conv2d: weight [out, in/groups, kh, kw], optional bias, stride, padding with a padding mode,
 * dilation and groups. Non-zero padding modes pad explicitly first, as PyTorch does. A float16 weight makes the
 * layer compute in half precision as autocast does (input cast to float16, float16 out; {@link Precision}).
 */
public final class Conv2dLayer {
    private final NDArray weight;
    private final NDArray bias;
    private final int stride;
    private final int padding;
    private final int dilation;
    private final int groups;
    private final PaddingMode mode;
    /** float16 weight: autocast's conv2d (the input is cast to float16) */
    private final boolean half;
    /** the weight reordered once for oneDNN on the CPU (made at the first float32 CPU call) */
    private final PrepackedConv prepacked = new PrepackedConv(this);

    public Conv2dLayer(NDArray weight, NDArray bias, int stride, int padding, int dilation, int groups, PaddingMode mode) {
        if (weight.getShape().dimension() != 4) {
            throw new IllegalArgumentException("conv2d weight must be 4-D, got " + weight.getShape());
        }
        this.half = weight.getDataType() == DataType.FLOAT16;
        this.weight = weight;
        this.bias = half ? Precision.half(bias) : bias;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.groups = groups;
        this.mode = mode;
    }

    /** Reads {@code weight} and optional {@code bias} from {@code sd}, zero padding (float16 in a half view). */
    public static Conv2dLayer load(StateDict sd, int stride, int padding) {
        return new Conv2dLayer(weight(sd, sd.get("weight")), sd.getOptional("bias"), stride, padding, 1, 1,
                PaddingMode.ZEROS);
    }

    /** Reads the weights and checks the weight shape [out, in, k, k] (float16 copies for a half view). */
    public static Conv2dLayer load(StateDict sd, long in, long out, int kernel, int stride, int padding) {
        return new Conv2dLayer(weight(sd, sd.get("weight", out, in, kernel, kernel)), sd.getOptional("bias"), stride,
                padding, 1, 1, PaddingMode.ZEROS);
    }

    /** The weight as a layer built from {@code sd} holds it: a float16 copy, made once, in a half-precision view. */
    static NDArray weight(StateDict sd, NDArray w) {
        return sd.halfPrecision() ? Precision.half(w) : w;
    }

    public Conv2dLayer withPaddingMode(PaddingMode newMode) {
        return new Conv2dLayer(weight, bias, stride, padding, dilation, groups, newMode);
    }

    public Conv2dLayer withGroups(int newGroups) {
        return new Conv2dLayer(weight, bias, stride, padding, dilation, newGroups, mode);
    }

    public long outChannels() {
        return weight.getShape().get(0);
    }

    public long inChannels() {
        return weight.getShape().get(1) * groups;
    }

    public NDArray weight() {
        return weight;
    }

    public NDArray bias() {
        return bias;
    }

    public int stride() {
        return stride;
    }

    public int padding() {
        return padding;
    }

    public int dilation() {
        return dilation;
    }

    public int groups() {
        return groups;
    }

    public PaddingMode paddingMode() {
        return mode;
    }

    /** Whether this layer's weight is held prepacked for the CPU now ({@link PrepackedConv}). */
    boolean prepacked() {
        return prepacked.packed();
    }

    /** The input shape this layer's weight is prepacked for now, or null. */
    long[] prepackedShape() {
        return prepacked.packedShape();
    }

    public NDArray forward(NDArray x) {
        ConvHook hook = ConvHook.current();
        return hook != null ? hook.forward(this, x) : forwardFloat(x);
    }

    /** The convolution in the layer's own precision (float32, or float16 for a half copy), whatever {@link ConvHook} is installed. */
    public NDArray forwardFloat(NDArray x) {
        if (half) {
            x = Precision.half(x);
        }
        // channels-last input makes the engine's (oneDNN) convolution take its faster NHWC kernels, and its output
        // stays channels-last for the next layers; a no-op when x already is (see MemoryFormat)
        NDArray in = MemoryFormat.channelsLast(x);
        int pad = padding;
        if (mode != PaddingMode.ZEROS && padding > 0) {
            in = MemoryFormat.channelsLast(Padding.pad(x, mode, padding, padding, padding, padding));
            pad = 0;
        }
        boolean timed = MacCounter.counting();
        long t0 = timed ? System.nanoTime() : 0L;
        NDArray y = PrepackedConv.applies(this, in) ? prepacked.forward(in, pad)
                : ai.djl.nn.convolutional.Conv2d.conv2d(in, weight, bias, new Shape(stride, stride),
                        new Shape(pad, pad), new Shape(dilation, dilation), groups).singletonOrThrow();
        if (timed) {
            // the engine's CPU ops are synchronous: the time is the convolution's (a GPU's would only be queued)
            Shape k = weight.getShape();
            MacCounter.addConvolution(y.size() * k.get(1) * k.get(2) * k.get(3), System.nanoTime() - t0);
        }
        return y;
    }
}
