package dev.restora.resshift.vq;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The {@code ddconfig} of {@code VQModelTorch} plus its codebook size (spec §2.2, §2.4).
 *
 * @param ch              base width
 * @param chMult          width multiplier per level (one downsample between consecutive levels)
 * @param numResBlocks    ResnetBlocks per encoder level (the decoder has one more per level)
 * @param attnResolutions resolutions with per-level attention (empty in every release: only the mid blocks)
 * @param resolution      nominal input size (only used for attnResolutions)
 * @param inChannels      image channels
 * @param outChannels     decoded image channels
 * @param zChannels       latent channels
 * @param embedDim        codebook vector size
 * @param nEmbed          number of codes
 */
public record VQConfig(int ch, List<Integer> chMult, List<Integer> numResBlocks, List<Integer> attnResolutions,
                       int resolution, int inChannels, int outChannels, int zChannels, int embedDim, int nEmbed) {
    public VQConfig {
        chMult = List.copyOf(chMult);
        numResBlocks = List.copyOf(numResBlocks);
        attnResolutions = List.copyOf(attnResolutions);
        if (numResBlocks.size() != chMult.size()) {
            throw new IllegalArgumentException("num_res_blocks " + numResBlocks + " does not match ch_mult " + chMult);
        }
    }

    /** Spatial downsampling factor 2^(levels-1). */
    public int factor() {
        return 1 << (chMult.size() - 1);
    }

    /** autoencoder_vq_f4.pth and celeba256_vq_f4_dim3_face.pth (55.3 M parameters). */
    public static VQConfig f4() {
        return new VQConfig(128, List.of(1, 2, 4), List.of(2, 2, 2), List.of(), 256, 3, 3, 3, 3, 8192);
    }

    /** ffhq512_vq_f8_dim8_face.pth (77.0 M parameters). */
    public static VQConfig f8Face() {
        return new VQConfig(64, List.of(1, 2, 4, 8), List.of(1, 2, 3, 4), List.of(), 512, 3, 3, 8, 8, 4096);
    }

    /** From the {@code params} object of a VQModelTorch entry ({@code embed_dim}, {@code n_embed}, {@code ddconfig}). */
    public static VQConfig fromJson(JsonObject params) {
        JsonObject dd = params.getAsJsonObject("ddconfig");
        List<Integer> mult = ints(dd.getAsJsonArray("ch_mult"));
        JsonElement nrb = dd.get("num_res_blocks");
        List<Integer> blocks = nrb.isJsonArray() ? ints(nrb.getAsJsonArray())
                : Collections.nCopies(mult.size(), nrb.getAsInt());
        if (dd.has("double_z") && dd.get("double_z").getAsBoolean()) {
            throw new IllegalArgumentException("double_z autoencoders are not VQ models");
        }
        return new VQConfig(dd.get("ch").getAsInt(), mult, blocks, ints(dd.getAsJsonArray("attn_resolutions")),
                dd.get("resolution").getAsInt(), dd.get("in_channels").getAsInt(), dd.get("out_ch").getAsInt(),
                dd.get("z_channels").getAsInt(), params.get("embed_dim").getAsInt(), params.get("n_embed").getAsInt());
    }

    private static List<Integer> ints(JsonArray a) {
        List<Integer> out = new ArrayList<>();
        a.forEach(e -> out.add(e.getAsInt()));
        return out;
    }
}
