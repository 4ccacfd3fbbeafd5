package dev.restora.resshift.vq;

import ai.djl.ndarray.NDArray;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.nn.Conv2dLayer;
import dev.restora.core.nn.GroupNorm;
import dev.restora.core.nn.Precision;
import dev.restora.core.nn.Scoped;
import java.util.ArrayList;
import java.util.List;

/**
 * LDM Encoder (spec §2.2): {@code conv_in}, per level {@code down.l.block.b} ResnetBlocks (optional
 * {@code down.l.attn.b}) and a {@code down.l.downsample} except at the last level, then mid (block_1, attn_1,
 * block_2), {@code norm_out}, swish, {@code conv_out} to z_channels.
 */
public final class VQEncoder {
    private final Conv2dLayer convIn;
    private final List<List<ResnetBlock>> blocks;
    private final List<List<AttnBlock>> attns;
    private final List<Downsample> downs;
    private final ResnetBlock mid1;
    private final AttnBlock midAttn;
    private final ResnetBlock mid2;
    private final GroupNorm normOut;
    private final Conv2dLayer convOut;

    private VQEncoder(Conv2dLayer convIn, List<List<ResnetBlock>> blocks, List<List<AttnBlock>> attns,
                      List<Downsample> downs, ResnetBlock mid1, AttnBlock midAttn, ResnetBlock mid2, GroupNorm normOut,
                      Conv2dLayer convOut) {
        this.convIn = convIn;
        this.blocks = blocks;
        this.attns = attns;
        this.downs = downs;
        this.mid1 = mid1;
        this.midAttn = midAttn;
        this.mid2 = mid2;
        this.normOut = normOut;
        this.convOut = convOut;
    }

    static VQEncoder load(StateDict sd, VQConfig c, long maxLogits) {
        Conv2dLayer convIn = Conv2dLayer.load(sd.sub("conv_in"), c.inChannels(), c.ch(), 3, 1, 1);
        List<List<ResnetBlock>> blocks = new ArrayList<>();
        List<List<AttnBlock>> attns = new ArrayList<>();
        List<Downsample> downs = new ArrayList<>();
        int levels = c.chMult().size();
        long blockIn = c.ch();
        int res = c.resolution();
        for (int l = 0; l < levels; l++) {
            long blockOut = (long) c.ch() * c.chMult().get(l);
            List<ResnetBlock> lb = new ArrayList<>();
            List<AttnBlock> la = new ArrayList<>();
            for (int b = 0; b < c.numResBlocks().get(l); b++) {
                lb.add(ResnetBlock.load(sd.sub("down." + l + ".block." + b), blockIn, blockOut));
                blockIn = blockOut;
                if (c.attnResolutions().contains(res)) {
                    la.add(AttnBlock.load(sd.sub("down." + l + ".attn." + b), blockIn, maxLogits));
                }
            }
            blocks.add(lb);
            attns.add(la);
            if (l != levels - 1) {
                downs.add(Downsample.load(sd.sub("down." + l + ".downsample"), blockIn));
                res /= 2;
            }
        }
        ResnetBlock m1 = ResnetBlock.load(sd.sub("mid.block_1"), blockIn, blockIn);
        AttnBlock ma = AttnBlock.load(sd.sub("mid.attn_1"), blockIn, maxLogits);
        ResnetBlock m2 = ResnetBlock.load(sd.sub("mid.block_2"), blockIn, blockIn);
        GroupNorm no = VQNorm.load(sd.sub("norm_out"), blockIn);
        Conv2dLayer co = Conv2dLayer.load(sd.sub("conv_out"), blockIn, c.zChannels(), 3, 1, 1);
        return new VQEncoder(convIn, blocks, attns, downs, m1, ma, m2, no, co);
    }

    NDArray forward(NDArray x) {
        NDArray h = Scoped.apply(x, convIn::forward);
        for (int l = 0; l < blocks.size(); l++) {
            List<ResnetBlock> lb = blocks.get(l);
            List<AttnBlock> la = attns.get(l);
            for (int b = 0; b < lb.size(); b++) {
                h = Scoped.apply(h, lb.get(b)::forward);
                if (!la.isEmpty()) {
                    h = Scoped.apply(h, la.get(b)::forward);
                }
            }
            if (l < downs.size()) {
                h = Scoped.apply(h, downs.get(l)::forward);
            }
        }
        h = Scoped.apply(h, mid1::forward);
        h = Scoped.apply(h, midAttn::forward);
        h = Scoped.apply(h, mid2::forward);
        // autocast's group_norm: float32 out (and swish in float32) in half precision
        return Scoped.apply(h, a -> convOut.forward(normOut.forwardSilu(Precision.float32(a))));
    }
}
