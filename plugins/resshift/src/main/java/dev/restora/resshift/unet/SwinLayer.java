package dev.restora.resshift.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.nn.Conv2dLayer;
import dev.restora.core.nn.Scoped;
import java.util.ArrayList;
import java.util.List;

/**
 * ResShift's Swin {@code BasicLayer} inside a UNet block (spec §3.4): {@code patch_embed.proj} 1x1 conv C to
 * embed_dim, {@code depth} {@link SwinTransformerBlock}s with shift 0 for even and window/2 for odd blocks, and
 * {@code patch_unembed.proj} back to C. There is no outer residual. When the nominal feature size is at most the
 * window, the window shrinks to that size and nothing is shifted (standard Swin rule).
 */
final class SwinLayer implements TimestepLayer {
    private final Conv2dLayer patchEmbed;
    private final List<SwinTransformerBlock> blocks;
    private final Conv2dLayer patchUnembed;

    private SwinLayer(Conv2dLayer patchEmbed, List<SwinTransformerBlock> blocks, Conv2dLayer patchUnembed) {
        this.patchEmbed = patchEmbed;
        this.blocks = List.copyOf(blocks);
        this.patchUnembed = patchUnembed;
    }

    static SwinLayer load(StateDict sd, int channels, int embedDim, int heads, int depth, int nominalSize,
                          int windowSize, double mlpRatio, NDManager weights) {
        int window = windowSize;
        int shiftSize = windowSize / 2;
        if (nominalSize <= windowSize) {
            window = nominalSize;
            shiftSize = 0;
        }
        int hidden = (int) (embedDim * mlpRatio);
        Conv2dLayer in = Conv2dLayer.load(sd.sub("patch_embed.proj"), channels, embedDim, 1, 1, 0);
        List<SwinTransformerBlock> blocks = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            blocks.add(SwinTransformerBlock.load(sd.sub("blocks." + i), embedDim, heads, window,
                    i % 2 == 0 ? 0 : shiftSize, hidden, weights));
        }
        Conv2dLayer out = Conv2dLayer.load(sd.sub("patch_unembed.proj"), embedDim, channels, 1, 1, 0);
        return new SwinLayer(in, blocks, out);
    }

    List<SwinTransformerBlock> blocks() {
        return blocks;
    }

    @Override
    public NDArray forward(NDArray x, NDArray emb) {
        NDArray h = patchEmbed.forward(x);
        for (SwinTransformerBlock b : blocks) {
            h = Scoped.apply(h, b::forward);
        }
        return patchUnembed.forward(h);
    }
}
