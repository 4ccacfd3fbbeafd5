package dev.restora.resshift.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.nn.Activations;
import dev.restora.core.nn.Conv2dLayer;
import dev.restora.core.nn.GroupNorm;
import dev.restora.core.nn.LinearLayer;

/**
 * guided-diffusion ResBlock with scale-shift norm (spec §3.4): {@code in_layers} = GN, SiLU, conv3x3;
 * {@code emb_layers} = SiLU, Linear(emb, 2 cout) split into (scale, shift); then GN(h)(1 + scale) + shift, SiLU,
 * conv3x3 ({@code out_layers.3}); output skip(x) + h with a 1x1 {@code skip_connection} when cin != cout.
 */
final class ResBlock implements TimestepLayer {
    private final GroupNorm inNorm;
    private final Conv2dLayer inConv;
    private final LinearLayer embLinear;
    private final GroupNorm outNorm;
    private final Conv2dLayer outConv;
    private final Conv2dLayer skip;
    private final long outChannels;

    private ResBlock(GroupNorm inNorm, Conv2dLayer inConv, LinearLayer embLinear, GroupNorm outNorm, Conv2dLayer outConv, Conv2dLayer skip,
                     long outChannels) {
        this.inNorm = inNorm;
        this.inConv = inConv;
        this.embLinear = embLinear;
        this.outNorm = outNorm;
        this.outConv = outConv;
        this.skip = skip;
        this.outChannels = outChannels;
    }

    static ResBlock load(StateDict sd, long cin, long cout, long embDim) {
        GroupNorm n1 = UNetNorm.load(sd.sub("in_layers.0"), cin);
        Conv2dLayer c1 = Conv2dLayer.load(sd.sub("in_layers.2"), cin, cout, 3, 1, 1);
        LinearLayer emb = LinearLayer.load(sd.sub("emb_layers.1"), embDim, 2 * cout);
        GroupNorm n2 = UNetNorm.load(sd.sub("out_layers.0"), cout);
        Conv2dLayer c2 = Conv2dLayer.load(sd.sub("out_layers.3"), cout, cout, 3, 1, 1);
        Conv2dLayer skip = null;
        if (cin != cout) {
            skip = Conv2dLayer.load(sd.sub("skip_connection"), cin, cout, 1, 1, 0);
        } else if (sd.has("skip_connection.weight")) {
            throw new dev.restora.core.checkpoint.CheckpointException(sd.source() + ": unexpected '" + sd.prefix()
                    + "skip_connection' for a ResBlock with equal channels " + cin);
        }
        return new ResBlock(n1, c1, emb, n2, c2, skip, cout);
    }

    @Override
    public NDArray forward(NDArray x, NDArray emb) {
        NDArray h = inConv.forward(inNorm.forwardSilu(x));
        long b = emb.getShape().get(0);
        NDArray e = embLinear.forward(Activations.silu(emb)).reshape(b, 2 * outChannels, 1, 1);
        NDArray scale = e.get(new NDIndex(":, 0:" + outChannels));
        NDArray shift = e.get(new NDIndex(":, " + outChannels + ":"));
        h = outConv.forward(outNorm.forwardScaleShiftSilu(h, scale, shift));
        return (skip == null ? x : skip.forward(x)).add(h);
    }
}
