package dev.restora.resshift;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.resshift.unet.UNetConfig;
import dev.restora.resshift.vq.VQConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The key names and shapes of the official state dicts for a configuration (spec §4.3), filled with small random
 * values: the benchmark's networks at released size (timing does not depend on the weights). Buffers are what the
 * official code stores (the Swin index and the nominal-size masks).
 */
public final class RandomWeights {
    private final Map<String, Shape> shapes = new LinkedHashMap<>();
    private final Map<String, long[]> ints = new LinkedHashMap<>();

    private RandomWeights() {
    }

    /** Key to shape of a UNetModelSwin state dict (int64 buffers included). */
    public static Map<String, Shape> unetShapes(UNetConfig c) {
        RandomWeights r = new RandomWeights();
        r.unet(c);
        return r.shapes;
    }

    /** Key to shape of a VQModelTorch state dict. */
    public static Map<String, Shape> vqShapes(VQConfig c) {
        RandomWeights r = new RandomWeights();
        r.vq(c);
        return r.shapes;
    }

    public static StateDict unet(UNetConfig c, NDManager m) {
        RandomWeights r = new RandomWeights();
        r.unet(c);
        return r.materialize(m, "random UNetModelSwin");
    }

    public static StateDict vq(VQConfig c, NDManager m) {
        RandomWeights r = new RandomWeights();
        r.vq(c);
        return r.materialize(m, "random VQModelTorch");
    }

    private StateDict materialize(NDManager m, String source) {
        Map<String, NDArray> t = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            long[] values = ints.get(e.getKey());
            if (values != null) {
                t.put(e.getKey(), m.create(values, e.getValue()));
            } else if (e.getKey().endsWith("attn_mask")) {
                t.put(e.getKey(), m.zeros(e.getValue()));
            } else {
                t.put(e.getKey(), m.randomNormal(0, 0.02f, e.getValue(), DataType.FLOAT32));
            }
        }
        return new StateDict(t, source);
    }

    private void put(String key, long... shape) {
        shapes.put(key, new Shape(shape));
    }

    private void conv(String p, long in, long out, int k) {
        put(p + ".weight", out, in, k, k);
        put(p + ".bias", out);
    }

    private void linear(String p, long in, long out) {
        put(p + ".weight", out, in);
        put(p + ".bias", out);
    }

    private void norm(String p, long c) {
        put(p + ".weight", c);
        put(p + ".bias", c);
    }

    private void unet(UNetConfig c) {
        long mc = c.modelChannels();
        long emb = 4 * mc;
        int heads = c.swinEmbedDim() / c.numHeadChannels();
        linear("time_embed.0", mc, emb);
        linear("time_embed.2", emb, emb);
        if (c.condLq() && c.lqStages() > 0) {
            long cin = c.condMask() ? 4 : 3;
            long base = 16;
            for (int k = 0; k < c.lqStages(); k++) {
                conv("feature_extractor." + 3 * k, cin, base, 3);
                conv("feature_extractor." + (3 * k + 2) + ".op", base, 2 * base, 3);
                base *= 2;
                cin = base;
            }
        }
        long ch = mc * c.channelMult().get(0);
        conv("input_blocks.0.0", (long) c.inChannels() + c.lqChannels() + c.extraInputChannels(), ch, 3);
        java.util.Deque<Long> skips = new java.util.ArrayDeque<>();
        skips.push(ch);
        int block = 1;
        int ds = c.imageSize();
        int levels = c.channelMult().size();
        for (int l = 0; l < levels; l++) {
            long out = mc * c.channelMult().get(l);
            for (int j = 0; j < c.numResBlocks().get(l); j++) {
                res("input_blocks." + block + ".0", ch, out, emb);
                ch = out;
                if (c.attentionResolutions().contains(ds) && j == 0) {
                    swin("input_blocks." + block + ".1", c, ch, heads, ds);
                }
                skips.push(ch);
                block++;
            }
            if (l != levels - 1) {
                conv("input_blocks." + block + ".0.op", ch, ch, 3);
                skips.push(ch);
                block++;
                ds /= 2;
            }
        }
        res("middle_block.0", ch, ch, emb);
        swin("middle_block.1", c, ch, heads, ds);
        res("middle_block.2", ch, ch, emb);
        block = 0;
        for (int l = levels - 1; l >= 0; l--) {
            long out = mc * c.channelMult().get(l);
            for (int i = 0; i <= c.numResBlocks().get(l); i++) {
                res("output_blocks." + block + ".0", ch + skips.pop(), out, emb);
                ch = out;
                int sub = 1;
                if (c.attentionResolutions().contains(ds) && i == 0) {
                    swin("output_blocks." + block + "." + sub++, c, ch, heads, ds);
                }
                if (l > 0 && i == c.numResBlocks().get(l)) {
                    conv("output_blocks." + block + "." + sub + ".conv", ch, ch, 3);
                    ds *= 2;
                }
                block++;
            }
        }
        norm("out.0", ch);
        conv("out.2", ch, c.outChannels(), 3);
    }

    private void res(String p, long cin, long cout, long emb) {
        norm(p + ".in_layers.0", cin);
        conv(p + ".in_layers.2", cin, cout, 3);
        linear(p + ".emb_layers.1", emb, 2 * cout);
        norm(p + ".out_layers.0", cout);
        conv(p + ".out_layers.3", cout, cout, 3);
        if (cin != cout) {
            conv(p + ".skip_connection", cin, cout, 1);
        }
    }

    private void swin(String p, UNetConfig c, long ch, int heads, int ds) {
        long e = c.swinEmbedDim();
        int window = Math.min(ds, c.windowSize());
        int shift = ds <= c.windowSize() ? 0 : c.windowSize() / 2;
        long hidden = (long) (e * c.mlpRatio());
        int n = window * window;
        conv(p + ".patch_embed.proj", ch, e, 1);
        conv(p + ".patch_unembed.proj", e, ch, 1);
        for (int b = 0; b < c.swinDepth(); b++) {
            String q = p + ".blocks." + b;
            if (b % 2 == 1 && shift > 0) {
                long nw = (long) (ds / window) * (ds / window);
                put(q + ".attn_mask", nw, n, n);
            }
            norm(q + ".norm1", e);
            put(q + ".attn.relative_position_bias_table", (long) (2 * window - 1) * (2 * window - 1), heads);
            put(q + ".attn.relative_position_index", n, n);
            long[] idx = new long[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    idx[i * n + j] = (long) (i / window - j / window + window - 1) * (2 * window - 1)
                            + (i % window - j % window + window - 1);
                }
            }
            ints.put(q + ".attn.relative_position_index", idx);
            linear(q + ".attn.qkv", e, 3 * e);
            linear(q + ".attn.proj", e, e);
            norm(q + ".norm2", e);
            conv(q + ".mlp.fc1", e, hidden, 1);
            conv(q + ".mlp.fc2", hidden, e, 1);
        }
    }

    private void resnet(String p, long cin, long cout) {
        norm(p + ".norm1", cin);
        conv(p + ".conv1", cin, cout, 3);
        norm(p + ".norm2", cout);
        conv(p + ".conv2", cout, cout, 3);
        if (cin != cout) {
            conv(p + ".nin_shortcut", cin, cout, 1);
        }
    }

    private void attn(String p, long c) {
        norm(p + ".norm", c);
        conv(p + ".q", c, c, 1);
        conv(p + ".k", c, c, 1);
        conv(p + ".v", c, c, 1);
        conv(p + ".proj_out", c, c, 1);
    }

    private void vq(VQConfig c) {
        int levels = c.chMult().size();
        conv("encoder.conv_in", c.inChannels(), c.ch(), 3);
        long in = c.ch();
        int res = c.resolution();
        for (int l = 0; l < levels; l++) {
            long out = (long) c.ch() * c.chMult().get(l);
            for (int b = 0; b < c.numResBlocks().get(l); b++) {
                resnet("encoder.down." + l + ".block." + b, in, out);
                in = out;
                if (c.attnResolutions().contains(res)) {
                    attn("encoder.down." + l + ".attn." + b, in);
                }
            }
            if (l != levels - 1) {
                conv("encoder.down." + l + ".downsample.conv", in, in, 3);
                res /= 2;
            }
        }
        resnet("encoder.mid.block_1", in, in);
        attn("encoder.mid.attn_1", in);
        resnet("encoder.mid.block_2", in, in);
        norm("encoder.norm_out", in);
        conv("encoder.conv_out", in, c.zChannels(), 3);
        conv("quant_conv", c.zChannels(), c.embedDim(), 1);
        put("quantize.embedding.weight", c.nEmbed(), c.embedDim());
        conv("post_quant_conv", c.embedDim(), c.zChannels(), 1);
        in = (long) c.ch() * c.chMult().get(levels - 1);
        conv("decoder.conv_in", c.zChannels(), in, 3);
        resnet("decoder.mid.block_1", in, in);
        attn("decoder.mid.attn_1", in);
        resnet("decoder.mid.block_2", in, in);
        res = c.resolution() / c.factor();
        for (int l = levels - 1; l >= 0; l--) {
            long out = (long) c.ch() * c.chMult().get(l);
            for (int b = 0; b <= c.numResBlocks().get(l); b++) {
                resnet("decoder.up." + l + ".block." + b, in, out);
                in = out;
                if (c.attnResolutions().contains(res)) {
                    attn("decoder.up." + l + ".attn." + b, in);
                }
            }
            if (l != 0) {
                conv("decoder.up." + l + ".upsample.conv", in, in, 3);
                res *= 2;
            }
        }
        norm("decoder.norm_out", in);
        conv("decoder.conv_out", in, c.outChannels(), 3);
    }
}
