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
 * LDM Decoder (spec §2.2): {@code conv_in} from z_channels, mid (block_1, attn_1, block_2), then levels from the
 * deepest up, each {@code up.l.block.b} with num_res_blocks[l] + 1 ResnetBlocks (optional {@code up.l.attn.b})
 * and an {@code up.l.upsample} except at level 0 (keys keep the level index), then {@code norm_out}, swish,
 * {@code conv_out}.
 */
public final class VQDecoder {
    private final Conv2dLayer convIn;
    private final ResnetBlock mid1;
    private final AttnBlock midAttn;
    private final ResnetBlock mid2;
    /** Indexed by level; run from the last to the first. */
    private final List<List<ResnetBlock>> blocks;
    private final List<List<AttnBlock>> attns;
    private final List<Upsample> ups;
    private final GroupNorm normOut;
    private final Conv2dLayer convOut;

    private VQDecoder(Conv2dLayer convIn, ResnetBlock mid1, AttnBlock midAttn, ResnetBlock mid2,
                      List<List<ResnetBlock>> blocks, List<List<AttnBlock>> attns, List<Upsample> ups,
                      GroupNorm normOut, Conv2dLayer convOut) {
        this.convIn = convIn;
        this.mid1 = mid1;
        this.midAttn = midAttn;
        this.mid2 = mid2;
        this.blocks = blocks;
        this.attns = attns;
        this.ups = ups;
        this.normOut = normOut;
        this.convOut = convOut;
    }

    static VQDecoder load(StateDict sd, VQConfig c, long maxLogits) {
        int levels = c.chMult().size();
        long blockIn = (long) c.ch() * c.chMult().get(levels - 1);
        int res = c.resolution() / c.factor();
        Conv2dLayer convIn = Conv2dLayer.load(sd.sub("conv_in"), c.zChannels(), blockIn, 3, 1, 1);
        ResnetBlock m1 = ResnetBlock.load(sd.sub("mid.block_1"), blockIn, blockIn);
        AttnBlock ma = AttnBlock.load(sd.sub("mid.attn_1"), blockIn, maxLogits);
        ResnetBlock m2 = ResnetBlock.load(sd.sub("mid.block_2"), blockIn, blockIn);
        List<List<ResnetBlock>> blocks = new ArrayList<>();
        List<List<AttnBlock>> attns = new ArrayList<>();
        List<Upsample> ups = new ArrayList<>();
        for (int l = 0; l < levels; l++) {
            blocks.add(null);
            attns.add(null);
            ups.add(null);
        }
        for (int l = levels - 1; l >= 0; l--) {
            long blockOut = (long) c.ch() * c.chMult().get(l);
            List<ResnetBlock> lb = new ArrayList<>();
            List<AttnBlock> la = new ArrayList<>();
            for (int b = 0; b <= c.numResBlocks().get(l); b++) {
                lb.add(ResnetBlock.load(sd.sub("up." + l + ".block." + b), blockIn, blockOut));
                blockIn = blockOut;
                if (c.attnResolutions().contains(res)) {
                    la.add(AttnBlock.load(sd.sub("up." + l + ".attn." + b), blockIn, maxLogits));
                }
            }
            blocks.set(l, lb);
            attns.set(l, la);
            if (l != 0) {
                ups.set(l, Upsample.load(sd.sub("up." + l + ".upsample"), blockIn));
                res *= 2;
            }
        }
        GroupNorm no = VQNorm.load(sd.sub("norm_out"), blockIn);
        Conv2dLayer co = Conv2dLayer.load(sd.sub("conv_out"), blockIn, c.outChannels(), 3, 1, 1);
        return new VQDecoder(convIn, m1, ma, m2, blocks, attns, ups, no, co);
    }

    NDArray forward(NDArray z) {
        NDArray h = Scoped.apply(z, convIn::forward);
        h = Scoped.apply(h, mid1::forward);
        h = Scoped.apply(h, midAttn::forward);
        h = Scoped.apply(h, mid2::forward);
        for (int l = blocks.size() - 1; l >= 0; l--) {
            List<ResnetBlock> lb = blocks.get(l);
            List<AttnBlock> la = attns.get(l);
            for (int b = 0; b < lb.size(); b++) {
                h = Scoped.apply(h, lb.get(b)::forward);
                if (!la.isEmpty()) {
                    h = Scoped.apply(h, la.get(b)::forward);
                }
            }
            if (ups.get(l) != null) {
                h = Scoped.apply(h, ups.get(l)::forward);
            }
        }
        // autocast's group_norm: float32 out (and swish in float32) in half precision
        return Scoped.apply(h, a -> convOut.forward(normOut.forwardSilu(Precision.float32(a))));
    }
}
