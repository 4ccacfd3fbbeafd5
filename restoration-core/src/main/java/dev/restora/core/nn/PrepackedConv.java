package dev.restora.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.IValue;

/**
 * One layer's convolution weight reordered once into oneDNN's blocked layout (libtorch's {@code mkldnn_prepacked}
 * operations, which {@code torch.jit.freeze} uses on CPU), instead of at every call as an eager
 * {@code conv2d} does. The kernel and the values are the same; what goes is the per-call reorder of the weight,
 * which is most of the time of a convolution over a small map with many channels (measured here: 4x on a
 * 640-channel 8x8 map, 1.7x at 16x16, 2-4 % at 64x64 and above).
 *
 * <p>Packed for one input size and layout: a call of that size and layout gives the eager convolution's values bit
 * for bit (oneDNN picks the same kernel); a call of another size or layout packs anew (the previous packing is freed:
 * one packed copy per layer, the memory of the weight once more), since running a packing on another size takes
 * another kernel whose sums round differently. Freed with the weight's manager.
 * {@code -Drestora.nn.prepackedConv=false} runs the eager convolution instead (read at every call, for A/B
 * benchmarks). Calls on one layer are serialised (a packing is never freed under a running call).
 */
final class PrepackedConv implements AutoCloseable {
    /** System property: prepacked convolution weights on the CPU (default true). */
    static final String PROPERTY = "restora.nn.prepackedConv";
    /** unique resource ids for the weights' manager (identity hash codes may repeat) */
    private static final java.util.concurrent.atomic.AtomicLong IDS = new java.util.concurrent.atomic.AtomicLong();

    private final Conv2dLayer conv;
    private IValue context;
    /** the input shape and layout {@link #context} was packed for */
    private long[] packedShape;
    private boolean packedChannelsLast;
    private boolean attached;
    private boolean closed;

    PrepackedConv(Conv2dLayer conv) {
        this.conv = conv;
    }

    /**
     * Whether {@code in} (already padded, laid out as it will be convolved) runs through a packed weight: on the CPU
     * in float32 where the eager convolution would take oneDNN too (so the values stay the same bits).
     */
    static boolean applies(Conv2dLayer conv, NDArray in) {
        return TorchHelper.INSTANCE != null && !"false".equals(System.getProperty(PROPERTY))
                && in.getDevice().getDeviceType().equals(ai.djl.Device.Type.CPU)
                && conv.weight().getDevice().getDeviceType().equals(ai.djl.Device.Type.CPU)
                && in.getDataType() == DataType.FLOAT32 && conv.weight().getDataType() == DataType.FLOAT32
                && in.getShape().dimension() == 4 && eagerTakesOneDnn(conv, in.getShape().getShape());
    }

    /**
     * libtorch's own choice for an eager float32 CPU convolution ({@code ConvParams::use_mkldnn} in ATen's
     * Convolution.cpp): oneDNN unless a 1x1 unstrided kernel on a small batch runs single-threaded, or a batch of one
     * small input (at most 20480 values) with a kernel of at most 3x3 and no groups, which take the native im2col
     * path instead.
     */
    static boolean eagerTakesOneDnn(Conv2dLayer conv, long[] input) {
        long[] k = conv.weight().getShape().getShape();
        boolean oneByOne = k[2] == 1 && k[3] == 1;
        boolean notNativeOneByOne = conv.stride() > 1 || conv.dilation() > 1 || input[0] >= 16 || !oneByOne
                || ai.djl.pytorch.jni.JniUtils.getNumThreads() > 1;
        long numel = input[0] * input[1] * input[2] * input[3];
        boolean notNativeSmall = conv.groups() > 1 || (k[2] > 3 && k[3] > 3) || input[0] > 1 || numel > 20480;
        return notNativeOneByOne && notNativeSmall;
    }

    /** The convolution of {@code in} with zero padding {@code pad}; the result belongs to in's manager. */
    synchronized NDArray forward(NDArray in, int pad) {
        if (closed) {
            throw new IllegalStateException("the layer's weights were freed");
        }
        long[] shape = in.getShape().getShape();
        boolean channelsLast = MemoryFormat.isChannelsLast(in);
        if (context == null || channelsLast != packedChannelsLast || !java.util.Arrays.equals(shape, packedShape)) {
            if (context != null) {
                context.close();
                context = null;
            }
            context = TorchHelper.INSTANCE.convPrepack(conv.weight(), conv.bias(), conv.stride(), pad,
                    conv.dilation(), conv.groups(), shape);
            packedShape = shape;
            packedChannelsLast = channelsLast;
            if (!attached) {
                // freed with the weights: a model's manager closes when the model is unloaded
                conv.weight().getManager().attachInternal("prepacked-conv-" + IDS.incrementAndGet(), this);
                attached = true;
            }
        }
        return TorchHelper.INSTANCE.convRun(in, context);
    }

    /** Whether the packed weight exists (made and not yet freed). */
    synchronized boolean packed() {
        return context != null;
    }

    /** The input shape the weight is packed for now, or null. */
    synchronized long[] packedShape() {
        return context == null ? null : packedShape.clone();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (context != null) {
            context.close();
            context = null;
        }
    }
}
