package dev.restora.sgmse.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.checkpoint.CheckpointException;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.diffusion.EncoderPropagation;
import dev.restora.core.nn.Activations;
import dev.restora.core.nn.Conv2dLayer;
import dev.restora.core.nn.GroupNorm;
import dev.restora.core.nn.LinearLayer;
import dev.restora.core.nn.MemoryFormat;
import dev.restora.core.nn.Scoped;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The NCSN++ U-Net of SGMSE+ / StoRM in all released variants (spec §5): built module by module in the
 * {@code all_modules} index order of §5.4 (so checkpoint keys line up), run as in §5.5. Input and output are
 * real channel stacks {@code [B, C_in, F, T]} → {@code [B, 2, F, T]}; the caller builds the channels and maps the
 * output to a score or an estimate.
 */
public final class NCSNpp {
    /**
     * System property: run NCSN++ channels-last (default true; {@code false} runs it row-major). Channels-last was
     * slower while the group norm's channels-last statistics were torch's element-by-element var_mean; with the
     * helper's batch-norm statistics kernel it is 1.18x faster per call (256 x 512, quiet, 2026-12-07).
     */
    public static final String CHANNELS_LAST_PROPERTY = "restora.nn.ncsnppChannelsLast";

    private final NcsnppConfig config;
    private final GaussianFourierProjection fourier;
    private final LinearLayer temb0;
    private final LinearLayer temb1;
    private final Conv2dLayer inputConv;
    private final List<Object> down = new ArrayList<>();
    private final List<ResnetBlockBigGAN> middle = new ArrayList<>();
    private AttnBlockpp middleAttn;
    private final List<Object> up = new ArrayList<>();
    private final GroupNorm headNorm;
    private final Conv2dLayer headConv;
    private final Conv2dLayer outputLayer;
    private final long parameters;

    /** A residual block of a level, with the level's attention after it when the level has one. */
    private record LevelRes(ResnetBlockBigGAN block, AttnBlockpp attn, int level) {
    }

    /** A down-sampling block and, with input_skip, the pyramid merge after it. */
    private record Down(ResnetBlockBigGAN block, Combine combine) {
    }

    /** An up-path block taking {@code cat[h, skip]}. */
    private record UpRes(ResnetBlockBigGAN block) {
    }

    /** A level's attention on the up path (after all its blocks). */
    private record UpAttn(AttnBlockpp attn, int level) {
    }

    /** The output-skip branch of a level: {@code conv3x3(SiLU(GN(h)))} added to the upsampled pyramid. */
    private record OutputSkip(GroupNorm norm, Conv2dLayer conv) {
    }

    /** The up-sampling block between levels. */
    private record Upsample(ResnetBlockBigGAN block) {
    }

    /**
     * Builds the network from {@code sd} (a view whose keys are {@code output_layer.*} and {@code all_modules.<i>.*}).
     */
    public NCSNpp(NcsnppConfig c, StateDict sd) {
        this.config = c;
        StateDict all = sd.sub("all_modules");
        int[] idx = {0};
        int nf = c.nf();
        long tembDim = 4L * nf;
        fourier = GaussianFourierProjection.load(next(all, idx), nf);
        if (c.conditional()) {
            temb0 = LinearLayer.load(next(all, idx), 2L * nf, tembDim);
            temb1 = LinearLayer.load(next(all, idx), tembDim, tembDim);
        } else {
            temb0 = null;
            temb1 = null;
        }
        boolean useTemb = c.conditional();
        int cin = c.inputChannels();
        inputConv = Conv2dLayer.load(next(all, idx), cin, nf, 3, 1, 1);
        Deque<Long> hs = new ArrayDeque<>();
        hs.push((long) nf);
        long in = nf;
        int levels = c.levels();
        ResnetBlockBigGAN.Resample none = ResnetBlockBigGAN.Resample.NONE;
        for (int i = 0; i < levels; i++) {
            for (int r = 0; r < c.numResBlocks(); r++) {
                long out = (long) nf * c.chMult()[i];
                ResnetBlockBigGAN res = ResnetBlockBigGAN.load(next(all, idx), in, out, none, tembDim, useTemb);
                in = out;
                AttnBlockpp attn = c.attentionAt(i) ? AttnBlockpp.load(next(all, idx), in) : null;
                down.add(new LevelRes(res, attn, i));
                hs.push(in);
            }
            if (i < levels - 1) {
                ResnetBlockBigGAN res = ResnetBlockBigGAN.load(next(all, idx), in, in, ResnetBlockBigGAN.Resample.DOWN,
                        tembDim, useTemb);
                Combine comb = c.inputSkip() ? Combine.load(next(all, idx), cin, in) : null;
                down.add(new Down(res, comb));
                hs.push(in);
            }
        }
        middle.add(ResnetBlockBigGAN.load(next(all, idx), in, in, none, tembDim, useTemb));
        middleAttn = AttnBlockpp.load(next(all, idx), in);
        middle.add(ResnetBlockBigGAN.load(next(all, idx), in, in, none, tembDim, useTemb));
        for (int i = levels - 1; i >= 0; i--) {
            for (int r = 0; r < c.numResBlocks() + 1; r++) {
                long out = (long) nf * c.chMult()[i];
                up.add(new UpRes(ResnetBlockBigGAN.load(next(all, idx), in + hs.pop(), out, none, tembDim, useTemb)));
                in = out;
            }
            if (c.attentionAt(i)) {
                up.add(new UpAttn(AttnBlockpp.load(next(all, idx), in), i));
            }
            if (c.outputSkip()) {
                GroupNorm gn = Norms.groupNorm(next(all, idx), in);
                Conv2dLayer conv = Conv2dLayer.load(next(all, idx), in, cin, 3, 1, 1);
                up.add(new OutputSkip(gn, conv));
            }
            if (i > 0) {
                up.add(new Upsample(ResnetBlockBigGAN.load(next(all, idx), in, in, ResnetBlockBigGAN.Resample.UP,
                        tembDim, useTemb)));
            }
        }
        if (!hs.isEmpty()) {
            throw new IllegalStateException("skip stack not empty: " + hs);
        }
        if (!c.outputSkip()) {
            headNorm = Norms.groupNorm(next(all, idx), in);
            headConv = Conv2dLayer.load(next(all, idx), in, cin, 3, 1, 1);
        } else {
            headNorm = null;
            headConv = null;
        }
        String extra = all.prefix() + idx[0] + ".";
        for (String k : sd.keys()) {
            if (k.startsWith(extra)) {
                throw new CheckpointException(sd.source() + ": the checkpoint has more modules than this NCSN++ "
                        + "configuration builds (" + idx[0] + ", first extra key " + k
                        + "); check ch_mult / num_res_blocks / attn_resolutions / progressive");
            }
        }
        outputLayer = Conv2dLayer.load(sd.sub("output_layer"), cin, 2, 1, 1, 0);
        long count = 0;
        for (String k : sd.keys()) {
            if (k.startsWith(sd.prefix())) {
                count += sd.asMap().get(k).getShape().size();
            }
        }
        parameters = count;
    }

    private static StateDict next(StateDict all, int[] idx) {
        return all.sub(String.valueOf(idx[0]++));
    }

    public NcsnppConfig config() {
        return config;
    }

    /** Parameters under this network's prefix in the state dict it was built from. */
    public long parameterCount() {
        return parameters;
    }

    /**
     * @param input {@code [B, C_in, F, T]} real channels (not yet centred)
     * @param t     {@code [B]} diffusion times, or null for an unconditional network
     * @return {@code [B, 2, F, T]}, owned by the input's manager
     */
    public NDArray forward(NDArray input, NDArray t) {
        return forward(input, t, null);
    }

    /**
     * The same, with encoder propagation (Faster Diffusion, Li et al. 2023): when {@code propagation} says this call
     * is not at a key step, the encoder (input convolution and down path) is skipped and the skip features of the
     * last key step are reused; the middle and up path always run with this call's time embedding. Approximate;
     * {@code null} runs the exact network.
     */
    public NDArray forward(NDArray input, NDArray t, EncoderPropagation propagation) {
        Shape s = input.getShape();
        int div = config.divisor();
        if (s.get(1) != config.inputChannels()) {
            throw new IllegalArgumentException("NCSN++ expects " + config.inputChannels() + " input channels, got " + s);
        }
        if (s.get(2) % div != 0 || s.get(3) % div != 0) {
            throw new IllegalArgumentException("NCSN++ with " + config.levels() + " levels needs F and T divisible by "
                    + div + ", got " + s);
        }
        if (config.conditional() && t == null) {
            throw new IllegalArgumentException("this NCSN++ is time-conditional: t is required");
        }
        // everything made during the pass lives in a child scope closed at the end; only the output survives
        NDManager parent = input.getManager();
        // channels-last unless -Drestora.nn.ncsnppChannelsLast=false (MemoryFormat.suspend); read per call for A/B
        // benchmarks
        try (NDManager pass = parent.newSubManager();
             MemoryFormat.Suspension rowMajor = !"false".equals(System.getProperty(CHANNELS_LAST_PROPERTY))
                     ? () -> { } : MemoryFormat.suspend()) {
            input.tempAttach(pass);
            if (t != null) {
                t.tempAttach(pass);
            }
            NDArray out = run(input, t, propagation);
            out.attach(parent);
            return out;
        }
    }

    private NDArray run(NDArray input, NDArray t, EncoderPropagation propagation) {
        NDArray temb = null;
        if (config.conditional()) {
            temb = fourier.forward(t.log());
            temb = temb1.forward(Activations.silu(temb0.forward(temb)));
        }
        if (propagation == null) {
            Deque<NDArray> hs = encode(input, temb);
            NDArray bottom = hs.peek();
            return decode(hs, bottom, temb, t, true);
        }
        Deque<NDArray> hs = new ArrayDeque<>(propagation.computeEncoder() ? propagation.keep(encode(input, temb))
                : propagation.features());
        // the middle block's input is this call's own copy, so that nothing of the decoder lands in the kept scope
        NDArray bottom = hs.peek().duplicate();
        bottom.attach(input.getManager());
        return decode(hs, bottom, temb, t, false);
    }

    /** Input convolution and down path: the skip features, the deepest on top. */
    private Deque<NDArray> encode(NDArray input, NDArray te) {
        NDArray x = config.centered() ? input : input.mul(2).sub(1);
        NDArray pyramid = config.inputSkip() ? x : null;
        Deque<NDArray> hs = new ArrayDeque<>();
        hs.push(inputConv.forward(x));
        for (Object mod : down) {
            if (mod instanceof LevelRes lr) {
                NDArray h = Scoped.apply(hs.peek(), in -> lr.block().forward(in, te));
                checkAttention(h, lr.attn() != null);
                if (lr.attn() != null) {
                    NDArray a = Scoped.apply(h, lr.attn()::forward);
                    h.close();
                    h = a;
                }
                hs.push(h);
            } else if (mod instanceof Down d) {
                NDArray h = Scoped.apply(hs.peek(), in -> d.block().forward(in, te));
                if (d.combine() != null) {
                    NDArray next = FirDownsample.forward(pyramid);
                    if (pyramid != x) {
                        pyramid.close();
                    }
                    pyramid = next;
                    NDArray p = pyramid;
                    NDArray merged = Scoped.apply(h, hh -> d.combine().forward(p, hh));
                    h.close();
                    h = merged;
                }
                hs.push(h);
            }
        }
        return hs;
    }

    /**
     * Middle and up path from {@code bottom} (the middle block's input: the deepest features) and the skip features
     * {@code hs} (consumed, the deepest on top); {@code ownsSkips}: the features are this call's own and are freed
     * as soon as used (not when they are kept for later calls).
     */
    private NDArray decode(Deque<NDArray> hs, NDArray bottom, NDArray te, NDArray t, boolean ownsSkips) {
        NDArray h = Scoped.apply(bottom, in -> middle.get(0).forward(in, te));
        h = replace(h, Scoped.apply(h, middleAttn::forward));
        h = replace(h, Scoped.apply(h, in -> middle.get(1).forward(in, te)));
        NDArray outPyramid = null;
        for (Object mod : up) {
            if (mod instanceof UpRes r) {
                NDArray skip = hs.pop();
                h = replace(h, Scoped.apply(h, in -> r.block().forward(NDArrays.concat(new NDList(in, skip), 1), te)));
                if (ownsSkips) {
                    skip.close();
                }
            } else if (mod instanceof UpAttn a) {
                checkAttention(h, true);
                h = replace(h, Scoped.apply(h, a.attn()::forward));
            } else if (mod instanceof OutputSkip o) {
                NDArray p = Scoped.apply(h, in -> o.conv().forward(o.norm().forwardSilu(in)));
                if (outPyramid == null) {
                    outPyramid = p;
                } else {
                    NDArray prev = outPyramid;
                    outPyramid = Scoped.apply(prev, FirUpsample::forward).add(p);
                    prev.close();
                }
            } else if (mod instanceof Upsample u) {
                h = replace(h, Scoped.apply(h, in -> u.block().forward(in, te)));
            }
        }
        if (config.outputSkip()) {
            h = outPyramid;
        } else {
            h = Scoped.apply(h, in -> headConv.forward(headNorm.forwardSilu(in)));
        }
        NDArray tb = null;
        if (config.scaleBySigma()) {
            if (t == null) {
                throw new IllegalArgumentException("scale_by_sigma needs t");
            }
            tb = t.reshape(-1, 1, 1, 1);
        }
        switch (config.head()) {
            case DIVIDE_THEN_OUTPUT -> {
                if (tb != null) {
                    h = h.div(tb);
                }
                h = outputLayer.forward(h);
            }
            case OUTPUT_THEN_DIVIDE -> {
                h = outputLayer.forward(h);
                if (tb != null) {
                    h = h.div(tb);
                }
            }
            case OUTPUT_ONLY -> h = outputLayer.forward(h);
            default -> throw new IllegalStateException();
        }
        return h;
    }

    /** Frees {@code old} (an intermediate no longer needed) and returns {@code next}. */
    private static NDArray replace(NDArray old, NDArray next) {
        old.close();
        return next;
    }

    /**
     * The reference applies a level's attention when the frequency size {@code h.shape[-2]} is in
     * attn_resolutions, while the modules exist where the nominal size 256/2^i is (spec §5.1); the two agree for
     * the released inputs. Where they would disagree the reference indexes the wrong modules, so refuse.
     */
    private void checkAttention(NDArray h, boolean hasModule) {
        int f = (int) h.getShape().get(2);
        if (config.attnResolutions().contains(f) != hasModule) {
            throw new IllegalArgumentException("frequency size " + f + " does not fit this network's attention "
                    + "placement " + config.attnResolutions() + " (built for " + NcsnppConfig.IMAGE_SIZE + " bins)");
        }
    }
}
