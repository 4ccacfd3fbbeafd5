package dev.restora.esrgan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.RestoraException;
import dev.restora.core.nn.Conv2dLayer;
import dev.restora.core.nn.NearestUpsampleConv;
import dev.restora.core.nn.PaddingMode;
import dev.restora.core.tfjs.TfjsModel;

/**
 * A Keras {@code Conv2D} (linear, bias optional, stride 1 or more, dilation 1) on N x C x H x W. The HWIO kernel
 * is converted once, at load, to torch's OIHW layout. TF's {@code same} padding pads
 * {@code total = max((ceil(L / s) - 1) s + k - L, 0)} with {@code total / 2} before and the rest (the extra row or
 * column when odd) after; symmetric cases go through core {@link Conv2dLayer}'s padding, asymmetric ones pad first.
 */
final class TfConv2d {
    private final Conv2dLayer conv;
    private final int kh;
    private final int kw;
    private final int stride;
    private final boolean same;

    private TfConv2d(Conv2dLayer conv, int kh, int kw, int stride, boolean same) {
        this.conv = conv;
        this.kh = kh;
        this.kw = kw;
        this.stride = stride;
        this.same = same;
    }

    /** The layer's weights ({@code <name>/kernel}, {@code <name>/bias}) in {@code manager}, checked against it. */
    static TfConv2d load(TfjsModel model, TfjsModel.Layer layer, long inChannels, NDManager manager) {
        var c = layer.config();
        String where = model.source() + ": layer '" + layer.name() + "' (Conv2D)";
        String activation = c.has("activation") ? c.get("activation").getAsString() : "linear";
        if (!activation.equals("linear")) {
            throw new RestoraException(where + " has activation '" + activation + "'; only linear is supported");
        }
        String padding = c.has("padding") ? c.get("padding").getAsString() : "valid";
        if (!padding.equals("same") && !padding.equals("valid")) {
            throw new RestoraException(where + " has padding '" + padding + "'; only same and valid are supported");
        }
        if (c.has("data_format") && !c.get("data_format").getAsString().equals("channels_last")) {
            throw new RestoraException(where + " has data_format " + c.get("data_format") + "; only channels_last");
        }
        int[] strides = pair(c, "strides", 1, where);
        int[] dilation = pair(c, "dilation_rate", 1, where);
        int groups = c.has("groups") ? c.get("groups").getAsInt() : 1;
        if (strides[0] != strides[1] || dilation[0] != 1 || dilation[1] != 1 || groups != 1) {
            throw new RestoraException(where + ": strides " + c.get("strides") + ", dilation " + c.get("dilation_rate")
                    + ", groups " + groups + " are not supported (equal strides, dilation 1, groups 1)");
        }
        int[] k = pair(c, "kernel_size", -1, where);
        long filters = c.get("filters").getAsLong();
        TfjsModel.Weight kernel = model.weight(layer.name() + "/kernel");
        long[] want = {k[0], k[1], inChannels, filters};
        if (kernel == null) {
            throw new RestoraException(where + ": no weight " + layer.name() + "/kernel in the weights manifest");
        }
        if (!java.util.Arrays.equals(kernel.shape(), want)) {
            throw new RestoraException(where + ": kernel shape " + java.util.Arrays.toString(kernel.shape())
                    + " disagrees with the layer (kernel_size, input channels, filters = "
                    + java.util.Arrays.toString(want) + ")");
        }
        boolean useBias = !c.has("use_bias") || c.get("use_bias").getAsBoolean();
        NDArray bias = null;
        if (useBias) {
            TfjsModel.Weight b = model.weight(layer.name() + "/bias");
            if (b == null || b.shape().length != 1 || b.shape()[0] != filters) {
                throw new RestoraException(where + ": bias " + (b == null ? "missing" : b) + " should be [" + filters
                        + "]");
            }
            bias = manager.create(b.values(), new Shape(filters));
        }
        NDArray w = manager.create(oihw(kernel.values(), k[0], k[1], (int) inChannels, (int) filters),
                new Shape(filters, inChannels, k[0], k[1]));
        boolean same = padding.equals("same");
        boolean symmetric = same && strides[0] == 1 && k[0] % 2 == 1 && k[1] % 2 == 1 && k[0] == k[1];
        Conv2dLayer conv = new Conv2dLayer(w, bias, strides[0], symmetric ? k[0] / 2 : 0, 1, 1, PaddingMode.ZEROS);
        return new TfConv2d(conv, k[0], k[1], strides[0], same && !symmetric);
    }

    /** HWIO (Keras) to OIHW (torch), row-major both. */
    static float[] oihw(float[] hwio, int kh, int kw, int in, int out) {
        float[] r = new float[hwio.length];
        for (int y = 0; y < kh; y++) {
            for (int x = 0; x < kw; x++) {
                for (int i = 0; i < in; i++) {
                    int src = ((y * kw + x) * in + i) * out;
                    for (int o = 0; o < out; o++) {
                        r[((o * in + i) * kh + y) * kw + x] = hwio[src + o];
                    }
                }
            }
        }
        return r;
    }

    long outChannels() {
        return conv.outChannels();
    }

    /**
     * This convolution applied after a nearest upsampling by {@code factor}, as one sub-pixel convolution at the
     * low resolution ({@link NearestUpsampleConv}); null unless it is a 3x3 {@code same} convolution with stride 1
     * (where TF's padding is the symmetric padding 1 the identity assumes).
     */
    NearestUpsampleConv afterNearest(int factor) {
        boolean fits = kh == 3 && kw == 3 && stride == 1 && !same && conv.padding() == 1 && factor >= 2;
        return fits ? NearestUpsampleConv.of(conv, factor) : null;
    }

    NDArray forward(NDArray x) {
        NDArray in = x;
        if (same) {
            int[] ph = samePadding(x.getShape().get(2), kh, stride);
            int[] pw = samePadding(x.getShape().get(3), kw, stride);
            in = x.pad(new Shape(pw[0], pw[1], ph[0], ph[1]), 0);
        }
        return conv.forward(in);
    }

    /** TF 'same': (before, after) with the odd pixel after. */
    static int[] samePadding(long length, int kernel, int stride) {
        long outLen = (length + stride - 1) / stride;
        int total = (int) Math.max((outLen - 1) * stride + kernel - length, 0);
        return new int[] {total / 2, total - total / 2};
    }

    private static int[] pair(com.google.gson.JsonObject c, String key, int dflt, String where) {
        if (!c.has(key)) {
            if (dflt < 0) {
                throw new RestoraException(where + " has no " + key);
            }
            return new int[] {dflt, dflt};
        }
        var a = c.getAsJsonArray(key);
        if (a.size() != 2) {
            throw new RestoraException(where + ": " + key + " " + a + " should have two values");
        }
        return new int[] {a.get(0).getAsInt(), a.get(1).getAsInt()};
    }
}
