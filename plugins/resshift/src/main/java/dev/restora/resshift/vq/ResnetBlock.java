package dev.restora.resshift.vq;

import ai.djl.ndarray.NDArray;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.nn.Conv2dLayer;
import dev.restora.core.nn.GroupNorm;
import dev.restora.core.nn.Residual;
import dev.restora.core.nn.Precision;
import dev.restora.core.nn.Scoped;

/**
 * LDM ResnetBlock without time embedding (spec §2.2): conv3x3(swish(GN(x))), conv3x3(swish(GN(h))), plus x
 * through a 1x1 {@code nin_shortcut} when the channel count changes.
 */
final class ResnetBlock {
    private final GroupNorm norm1;
    private final Conv2dLayer conv1;
    private final GroupNorm norm2;
    private final Conv2dLayer conv2;
    private final Conv2dLayer shortcut;

    private ResnetBlock(GroupNorm norm1, Conv2dLayer conv1, GroupNorm norm2, Conv2dLayer conv2, Conv2dLayer shortcut) {
        this.norm1 = norm1;
        this.conv1 = conv1;
        this.norm2 = norm2;
        this.conv2 = conv2;
        this.shortcut = shortcut;
    }

    static ResnetBlock load(StateDict sd, long cin, long cout) {
        Conv2dLayer sc = cin != cout ? Conv2dLayer.load(sd.sub("nin_shortcut"), cin, cout, 1, 1, 0) : null;
        return new ResnetBlock(VQNorm.load(sd.sub("norm1"), cin), Conv2dLayer.load(sd.sub("conv1"), cin, cout, 3, 1, 1),
                VQNorm.load(sd.sub("norm2"), cout), Conv2dLayer.load(sd.sub("conv2"), cout, cout, 3, 1, 1), sc);
    }

    NDArray forward(NDArray x) {
        // each half in its own scope: at output resolution these maps are the run's memory peak
        // torch.nn.GroupNorm is on autocast's float32 list: float32 out (and swish in float32) in half precision
        NDArray h = Scoped.apply(x, a -> conv1.forward(norm1.forwardSilu(Precision.float32(a))));
        h = Scoped.apply(h, a -> conv2.forward(norm2.forwardSilu(Precision.float32(a))));
        // h is this block's own fresh array: the residual sum goes in place (a new array when the types differ)
        return Residual.add(h, shortcut == null ? x : shortcut.forward(x));
    }
}
