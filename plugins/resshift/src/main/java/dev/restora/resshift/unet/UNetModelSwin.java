package dev.restora.resshift.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.diffusion.EncoderPropagation;
import dev.restora.core.nn.Conv2dLayer;
import dev.restora.core.nn.GroupNorm;
import dev.restora.core.nn.Precision;
import dev.restora.core.nn.Scoped;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * ResShift's denoiser {@code models.unet.UNetModelSwin} (spec §3): a guided-diffusion UNet whose attention is
 * Swin window attention, conditioned by concatenating the (feature-extracted) LQ image to x_t. It predicts x0.
 * The block layout follows the constructor loops of the official class from a {@link UNetConfig}; every weight is
 * taken by name with its expected shape, and a checkpoint with keys left over is refused.
 */
public final class UNetModelSwin {
    private final UNetConfig config;
    private final TimestepEmbedding timeEmbed;
    private final LqFeatureExtractor featureExtractor;
    private final List<TimestepLayer> inputBlocks;
    private final TimestepLayer middleBlock;
    private final List<TimestepLayer> outputBlocks;
    private final GroupNorm outNorm;
    private final Conv2dLayer outConv;
    private final long parameters;

    private UNetModelSwin(UNetConfig config, TimestepEmbedding timeEmbed, LqFeatureExtractor featureExtractor,
                          List<TimestepLayer> inputBlocks, TimestepLayer middleBlock, List<TimestepLayer> outputBlocks,
                          GroupNorm outNorm, Conv2dLayer outConv, long parameters) {
        this.config = config;
        this.timeEmbed = timeEmbed;
        this.featureExtractor = featureExtractor;
        this.inputBlocks = inputBlocks;
        this.middleBlock = middleBlock;
        this.outputBlocks = outputBlocks;
        this.outNorm = outNorm;
        this.outConv = outConv;
        this.parameters = parameters;
    }

    /**
     * Builds the network from {@code sd} (keys without {@code module.} prefixes) and checks every key was used.
     *
     * @param weights the manager owning the weights; derived constants (relative position biases) go there too
     */
    public static UNetModelSwin load(StateDict sd, UNetConfig c, NDManager weights) {
        int mc = c.modelChannels();
        int embDim = 4 * mc;
        int heads = c.swinEmbedDim() / c.numHeadChannels();
        TimestepEmbedding te = TimestepEmbedding.load(sd.sub("time_embed"), mc, embDim);
        LqFeatureExtractor fe = null;
        if (c.condLq() && c.lqStages() > 0) {
            fe = LqFeatureExtractor.load(sd.sub("feature_extractor"), c.condMask() ? 4 : 3, c.lqStages());
        }
        long firstIn = (long) c.inChannels() + c.lqChannels() + c.extraInputChannels();

        List<TimestepLayer> input = new ArrayList<>();
        Deque<Long> skipChannels = new ArrayDeque<>();
        long ch = (long) mc * c.channelMult().get(0);
        Conv2dLayer first = Conv2dLayer.load(sd.sub("input_blocks.0.0"), firstIn, ch, 3, 1, 1);
        input.add((x, e) -> first.forward(x));
        skipChannels.push(ch);
        int ds = c.imageSize();
        int levels = c.channelMult().size();
        for (int level = 0; level < levels; level++) {
            long out = (long) mc * c.channelMult().get(level);
            for (int j = 0; j < c.numResBlocks().get(level); j++) {
                StateDict b = sd.sub("input_blocks." + input.size());
                List<TimestepLayer> layers = new ArrayList<>();
                layers.add(ResBlock.load(b.sub("0"), ch, out, embDim));
                ch = out;
                if (c.attentionResolutions().contains(ds) && j == 0) {
                    layers.add(swin(b.sub("1"), c, (int) ch, heads, ds, weights));
                }
                input.add(new TimestepSequential(layers));
                skipChannels.push(ch);
            }
            if (level != levels - 1) {
                Downsample d = Downsample.load(sd.sub("input_blocks." + input.size() + ".0"), ch, ch);
                input.add(d);
                skipChannels.push(ch);
                ds /= 2;
            }
        }
        TimestepLayer middle = new TimestepSequential(List.of(
                ResBlock.load(sd.sub("middle_block.0"), ch, ch, embDim),
                swin(sd.sub("middle_block.1"), c, (int) ch, heads, ds, weights),
                ResBlock.load(sd.sub("middle_block.2"), ch, ch, embDim)));

        List<TimestepLayer> output = new ArrayList<>();
        for (int level = levels - 1; level >= 0; level--) {
            long out = (long) mc * c.channelMult().get(level);
            for (int i = 0; i <= c.numResBlocks().get(level); i++) {
                StateDict b = sd.sub("output_blocks." + output.size());
                long skip = skipChannels.pop();
                List<TimestepLayer> layers = new ArrayList<>();
                layers.add(ResBlock.load(b.sub("0"), ch + skip, out, embDim));
                ch = out;
                if (c.attentionResolutions().contains(ds) && i == 0) {
                    layers.add(swin(b.sub(String.valueOf(layers.size())), c, (int) ch, heads, ds, weights));
                }
                if (level > 0 && i == c.numResBlocks().get(level)) {
                    layers.add(Upsample.load(b.sub(String.valueOf(layers.size())), ch));
                    ds *= 2;
                }
                output.add(new TimestepSequential(layers));
            }
        }
        GroupNorm on = UNetNorm.load(sd.sub("out.0"), ch);
        Conv2dLayer oc = Conv2dLayer.load(sd.sub("out.2"), ch, c.outChannels(), 3, 1, 1);
        sd.requireAllUsed();
        long params = 0;
        for (var e : sd.asMap().entrySet()) {
            if (!e.getKey().endsWith("relative_position_index") && !e.getKey().endsWith("attn_mask")) {
                params += e.getValue().getShape().size();
            }
        }
        return new UNetModelSwin(c, te, fe, input, middle, output, on, oc, params);
    }

    private static SwinLayer swin(StateDict sd, UNetConfig c, int channels, int heads, int ds, NDManager weights) {
        return SwinLayer.load(sd, channels, c.swinEmbedDim(), heads, c.swinDepth(), ds, c.windowSize(), c.mlpRatio(),
                weights);
    }

    public UNetConfig config() {
        return config;
    }

    /** The precision the network was built in: float16 when its convolution weights are. */
    public Precision precision() {
        return outConv.weight().getDataType() == ai.djl.ndarray.types.DataType.FLOAT16 ? Precision.FLOAT16
                : Precision.FLOAT32;
    }

    /** Trainable parameters (buffers excluded). */
    public long parameterCount() {
        return parameters;
    }

    /**
     * The LQ conditioning channels the official forward concatenates to x_t: the LQ image, with the mask appended
     * for inpainting, through the feature extractor where the model has one (spec §3). They do not depend on x_t or
     * t, so a sampler computes them once per image or tile and passes them to every step's
     * {@link #forwardConditioned}. The result belongs to {@code lq}'s manager (the tile's scope).
     *
     * @param lq   LQ image in [-1, 1] (B x 3 x h·r x w·r with r = lq_size / image_size), or null
     * @param mask inpainting mask in [-1, 1] (B x 1 x ..., +1 = hole), or null
     * @return the conditioning channels, or null without an LQ condition ({@code lq} itself without mask and
     *         feature extractor)
     */
    public NDArray condition(NDArray lq, NDArray mask) {
        if (lq == null) {
            return null;
        }
        NDArray cond = mask != null ? NDArrays.concat(new NDList(lq, mask), 1) : lq;
        if (featureExtractor != null) {
            NDArray input = cond;
            // float32 as the official torch.cat with x_t promotes it (float16 features in half precision)
            cond = Scoped.apply(input, a -> Precision.float32(featureExtractor.forward(a)));
            if (input != lq) {
                input.close();
            }
        }
        return cond;
    }

    /**
     * UNetModelSwin.forward(x, timesteps, lq, mask): computes the conditioning of {@code lq} and {@code mask} for
     * this call alone (see {@link #condition}), then runs {@link #forwardConditioned}.
     *
     * @param x     scaled x_t, B x in_channels x h x w
     * @param t     int64 step indices, length B
     * @param lq    LQ image in [-1, 1] (B x 3 x h·r x w·r with r = lq_size / image_size), or null
     * @param mask  inpainting mask in [-1, 1] (B x 1 x ..., +1 = hole), or null
     * @param extra extra input channels appended last (RSD's noise), or null
     */
    public NDArray forward(NDArray x, NDArray t, NDArray lq, NDArray mask, NDArray extra) {
        NDArray cond = condition(lq, mask);
        try {
            return forwardConditioned(x, t, cond, extra);
        } finally {
            if (cond != null && cond != lq) {
                cond.close();
            }
        }
    }

    /**
     * The forward pass with conditioning channels already computed by {@link #condition}. Everything it creates
     * belongs to {@code x}'s manager (the step's scope), never to the conditioning's.
     *
     * @param x         scaled x_t, B x in_channels x h x w
     * @param t         int64 step indices, length B
     * @param condition the output of {@link #condition}, or null
     * @param extra     extra input channels appended last (RSD's noise), or null
     */
    public NDArray forwardConditioned(NDArray x, NDArray t, NDArray condition, NDArray extra) {
        return forwardConditioned(x, t, condition, extra, null);
    }

    /**
     * The same with encoder propagation (Faster Diffusion, Li et al., NeurIPS 2024): the encoder is the input blocks
     * and the middle block (as in the authors' code for this UNet family); when {@code propagation} says this call is
     * not at a key step, it is skipped and the decoder (output blocks and head) takes the skip features and middle
     * output kept at the last key step, with this call's time embedding. Approximate; {@code null} runs the exact
     * network.
     */
    public NDArray forwardConditioned(NDArray x, NDArray t, NDArray condition, NDArray extra,
                                      EncoderPropagation propagation) {
        // official: .type(self.dtype), float32 (the MLP's output is float16 in half precision)
        NDArray emb = Precision.float32(timeEmbed.forward(t));
        if (propagation == null) {
            return decode(encode(x, emb, condition, extra), emb, true);
        }
        Deque<NDArray> kept = propagation.computeEncoder() ? propagation.keep(encode(x, emb, condition, extra))
                : propagation.features();
        Deque<NDArray> features = new ArrayDeque<>(kept);
        // the decoder's first input is this call's own copy, so that nothing of the decoder lands in the kept scope
        NDArray middle = features.pop().duplicate();
        middle.attach(x.getManager());
        features.push(middle);
        return decode(features, emb, false);
    }

    /**
     * The encoder: input blocks and middle block.
     *
     * @return the skip features with the middle block's output on top (the deepest first), owned by {@code x}'s
     *         manager
     */
    private Deque<NDArray> encode(NDArray x, NDArray emb, NDArray condition, NDArray extra) {
        NDArray h = x;
        if (condition != null) {
            h = NDArrays.concat(new NDList(h, condition), 1);
        }
        if (extra != null) {
            h = NDArrays.concat(new NDList(h, extra), 1);
        }
        Deque<NDArray> hs = new ArrayDeque<>();
        // each block in its own scope: only the skip activations stay alive between blocks
        for (TimestepLayer block : inputBlocks) {
            h = Scoped.apply(h, a -> block.forward(a, emb));
            hs.push(h);
        }
        hs.push(Scoped.apply(h, a -> middleBlock.forward(a, emb)));
        return hs;
    }

    /**
     * The decoder: output blocks and head, from {@link #encode}'s features (consumed from the deque).
     *
     * @param closeSkips whether to free each skip feature once used (not when they are kept for later steps)
     */
    private NDArray decode(Deque<NDArray> hs, NDArray emb, boolean closeSkips) {
        NDArray h = hs.pop();
        for (TimestepLayer block : outputBlocks) {
            NDArray skip = hs.pop();
            h = Scoped.apply(h, a -> block.forward(NDArrays.concat(new NDList(a, skip), 1), emb));
            if (closeSkips) {
                skip.close();
            }
        }
        // official: h.type(x.dtype) before the head, float32; the head's float16 output (half precision) is
        // returned as float32, the type every use in the sampler promotes it to
        return Scoped.apply(h, a -> Precision.float32(outConv.forward(outNorm.forwardSilu(Precision.float32(a)))));
    }

    /** Forward without mask or extra channels. */
    public NDArray forward(NDArray x, NDArray t, NDArray lq) {
        return forward(x, t, lq, null, null);
    }
}
