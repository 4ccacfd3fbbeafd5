package dev.restora.resshift.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.nn.Activations;
import dev.restora.core.nn.Conv2dLayer;
import dev.restora.core.nn.GroupNorm;
import dev.restora.core.nn.MemoryFormat;
import dev.restora.core.nn.Residual;

/**
 * ResShift's Swin block on N x C x H x W maps (spec §3.4): GroupNorm32 over the whole map, cyclic shift by
 * -shift, window partition (tokens row-major in the window), {@link WindowAttention} with the official shifted
 * mask rebuilt for the runtime size ({@link ShiftedWindowMask}), reverse shift, residual; then
 * x + fc2(GELU(fc1(GN(x)))) with 1x1 convs.
 */
final class SwinTransformerBlock {
    private final GroupNorm norm1;
    private final WindowAttention attn;
    private final GroupNorm norm2;
    private final Conv2dLayer fc1;
    private final Conv2dLayer fc2;
    private final int window;
    private final int shift;

    private SwinTransformerBlock(GroupNorm norm1, WindowAttention attn, GroupNorm norm2, Conv2dLayer fc1, Conv2dLayer fc2,
                                 int window, int shift) {
        this.norm1 = norm1;
        this.attn = attn;
        this.norm2 = norm2;
        this.fc1 = fc1;
        this.fc2 = fc2;
        this.window = window;
        this.shift = shift;
    }

    static SwinTransformerBlock load(StateDict sd, int dim, int heads, int window, int shift, int hidden,
                                     NDManager weights) {
        GroupNorm n1 = UNetNorm.load(sd.sub("norm1"), dim);
        WindowAttention a = WindowAttention.load(sd.sub("attn"), dim, heads, window, weights);
        GroupNorm n2 = UNetNorm.load(sd.sub("norm2"), dim);
        Conv2dLayer f1 = Conv2dLayer.load(sd.sub("mlp.fc1"), dim, hidden, 1, 1, 0);
        Conv2dLayer f2 = Conv2dLayer.load(sd.sub("mlp.fc2"), hidden, dim, 1, 1, 0);
        // the stored mask is for the nominal size and never used by the official forward (spec §3.4)
        sd.ignore("attn_mask");
        return new SwinTransformerBlock(n1, a, n2, f1, f2, window, shift);
    }

    int window() {
        return window;
    }

    int shift() {
        return shift;
    }

    NDArray forward(NDArray x) {
        Shape s = x.getShape();
        long b = s.get(0);
        long c = s.get(1);
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        if (h % window != 0 || w % window != 0) {
            throw new IllegalArgumentException("Swin feature map " + h + "x" + w + " is not a multiple of the window "
                    + window + "; pad the input to a multiple of the model's padding offset");
        }
        NDArray y = norm1.forward(x);
        NDArray mask = null;
        if (shift > 0) {
            y = roll(y, -shift);
            int nw = (h / window) * (w / window);
            int n = window * window;
            mask = x.getManager().create(ShiftedWindowMask.compute(h, w, window, shift), new Shape(1, nw, 1, n, n));
        }
        long rows = h / window;
        long cols = w / window;
        NDArray windows = y.reshape(b, c, rows, window, cols, window).transpose(0, 2, 4, 3, 5, 1)
                .reshape(b * rows * cols, (long) window * window, c);
        NDArray a = attn.forward(windows, mask, b);
        if (MemoryFormat.enabled()) {
            // window reverse copied in NHWC order: the map comes back channels-last, as the convolutions want it
            y = a.reshape(b, rows, cols, window, window, c).transpose(0, 1, 3, 2, 4, 5).reshape(b, h, w, c)
                    .transpose(0, 3, 1, 2);
        } else {
            y = a.reshape(b, rows, cols, window, window, c).transpose(0, 5, 1, 3, 2, 4).reshape(b, c, h, w);
        }
        if (shift > 0) {
            y = roll(y, shift);
        }
        // y and the MLP's output are this block's own fresh arrays: the residual sums go in place
        NDArray out = Residual.add(y, x);
        NDArray mlp = fc2.forward(Activations.gelu(fc1.forward(norm2.forward(out))));
        return Residual.add(mlp, out);
    }

    /** torch.roll(x, (k, k), dims=(2, 3)): out[i] = x[(i - k) mod n] on both spatial axes. */
    static NDArray roll(NDArray x, int k) {
        return rollAxis(rollAxis(x, k, 2), k, 3);
    }

    private static NDArray rollAxis(NDArray x, int k, int axis) {
        long n = x.getShape().get(axis);
        long split = Math.floorMod(-k, n);
        if (split == 0) {
            return x;
        }
        String lead = ":,".repeat(axis);
        NDArray first = x.get(new NDIndex(lead + split + ":"));
        NDArray second = x.get(new NDIndex(lead + "0:" + split));
        return NDArrays.concat(new NDList(first, second), axis);
    }
}
