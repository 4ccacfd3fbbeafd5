package dev.restora.resshift.unet;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;

/**
 * The constructor hyper-parameters of {@code models.unet.UNetModelSwin} that shape the network (spec §3.1).
 *
 * @param imageSize           nominal latent size (sets the Swin window rule at each level)
 * @param inChannels          latent channels of x_t
 * @param modelChannels       base width
 * @param outChannels         predicted latent channels
 * @param attentionResolutions nominal sizes with a Swin layer after the first ResBlock of a level
 * @param channelMult         width multiplier per level
 * @param numResBlocks        ResBlocks per level (input side; the output side has one more)
 * @param numHeadChannels     channels per Swin head
 * @param swinDepth           Swin blocks per layer
 * @param swinEmbedDim        Swin width
 * @param windowSize          Swin window
 * @param mlpRatio            Swin MLP width ratio
 * @param condLq              whether the LQ image is a condition
 * @param condMask            whether a mask channel is appended to the LQ (inpainting)
 * @param lqSize              nominal LQ size: lq_size / image_size = 2^stages of the LQ feature extractor
 * @param extraInputChannels  channels appended after the LQ features (RSD's noise channel), usually 0
 */
public record UNetConfig(int imageSize, int inChannels, int modelChannels, int outChannels,
                         List<Integer> attentionResolutions, List<Integer> channelMult, List<Integer> numResBlocks,
                         int numHeadChannels, int swinDepth, int swinEmbedDim, int windowSize, double mlpRatio,
                         boolean condLq, boolean condMask, int lqSize, int extraInputChannels) {

    public UNetConfig {
        attentionResolutions = List.copyOf(attentionResolutions);
        channelMult = List.copyOf(channelMult);
        numResBlocks = List.copyOf(numResBlocks);
        if (numResBlocks.size() != channelMult.size()) {
            throw new IllegalArgumentException("num_res_blocks " + numResBlocks + " does not match channel_mult "
                    + channelMult);
        }
        if (lqSize % imageSize != 0 || Integer.bitCount(lqSize / imageSize) != 1) {
            throw new IllegalArgumentException("lq_size " + lqSize + " must be image_size " + imageSize
                    + " times a power of two");
        }
    }

    /** Number of stages of the LQ feature extractor (0 = identity). */
    public int lqStages() {
        return Integer.numberOfTrailingZeros(lqSize / imageSize);
    }

    /** Channels the LQ condition adds at the input. */
    public int lqChannels() {
        if (!condLq) {
            return 0;
        }
        int raw = condMask ? 4 : 3;
        return lqStages() == 0 ? raw : (int) LqFeatureExtractor.outChannels(lqStages());
    }

    /** The realsr / bicsr / SinSR denoiser of the releases (118.6 M parameters). */
    public static UNetConfig realSr() {
        return released(3, 3, false, 64);
    }

    /** The inpainting denoiser (lq_size 256, mask channel, two extractor stages). */
    public static UNetConfig inpainting() {
        return released(3, 3, true, 256);
    }

    /** The blind face restoration denoiser (8-channel f8 latent, lq_size 512, three extractor stages). */
    public static UNetConfig faceRestoration() {
        return released(8, 8, false, 512);
    }

    private static UNetConfig released(int in, int out, boolean mask, int lqSize) {
        return new UNetConfig(64, in, 160, out, List.of(64, 32, 16, 8), List.of(1, 2, 2, 4), List.of(2, 2, 2, 2),
                32, 2, 192, 8, 4, true, mask, lqSize, 0);
    }

    /** From the {@code params} object of a UNetModelSwin checkpoint entry (parity manifests, YAML configs). */
    public static UNetConfig fromJson(JsonObject p) {
        List<Integer> mult = ints(p.getAsJsonArray("channel_mult"));
        List<Integer> blocks = p.get("num_res_blocks").isJsonArray() ? ints(p.getAsJsonArray("num_res_blocks"))
                : java.util.Collections.nCopies(mult.size(), p.get("num_res_blocks").getAsInt());
        int imageSize = p.get("image_size").getAsInt();
        return new UNetConfig(imageSize, p.get("in_channels").getAsInt(), p.get("model_channels").getAsInt(),
                p.get("out_channels").getAsInt(), ints(p.getAsJsonArray("attention_resolutions")), mult, blocks,
                p.get("num_head_channels").getAsInt(), p.get("swin_depth").getAsInt(),
                p.get("swin_embed_dim").getAsInt(), p.get("window_size").getAsInt(), p.get("mlp_ratio").getAsDouble(),
                p.has("cond_lq") && p.get("cond_lq").getAsBoolean(),
                p.has("cond_mask") && p.get("cond_mask").getAsBoolean(),
                p.has("lq_size") ? p.get("lq_size").getAsInt() : imageSize, 0);
    }

    private static List<Integer> ints(JsonArray a) {
        List<Integer> out = new java.util.ArrayList<>();
        a.forEach(e -> out.add(e.getAsInt()));
        return out;
    }
}
