package dev.restora.sgmse.nn;

import ai.djl.ndarray.NDArray;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.nn.Activations;
import dev.restora.core.nn.Conv2dLayer;
import dev.restora.core.nn.GroupNorm;
import dev.restora.core.nn.LinearLayer;
import dev.restora.core.nn.Residual;

/**
 * The BigGAN residual block of NCSN++ with FIR resampling and skip rescaling (spec §5.2):
 * {@code h = Conv_1(SiLU(GN_1(Conv_0(resample(SiLU(GN_0(x)))) + Dense_0(SiLU(temb)))))},
 * {@code x = Conv_2(resample(x))} when the shape changes, result {@code (x + h) / sqrt 2}.
 */
public final class ResnetBlockBigGAN {
    /** Resampling inside the block. */
    public enum Resample { NONE, UP, DOWN }

    private static final double INV_SQRT2 = 1 / Math.sqrt(2);

    private final GroupNorm norm0;
    private final Conv2dLayer conv0;
    private final LinearLayer dense0;
    private final GroupNorm norm1;
    private final Conv2dLayer conv1;
    private final Conv2dLayer conv2;
    private final Resample resample;
    private final long out;

    private ResnetBlockBigGAN(GroupNorm norm0, Conv2dLayer conv0, LinearLayer dense0, GroupNorm norm1, Conv2dLayer conv1,
                              Conv2dLayer conv2, Resample resample, long out) {
        this.norm0 = norm0;
        this.conv0 = conv0;
        this.dense0 = dense0;
        this.norm1 = norm1;
        this.conv1 = conv1;
        this.conv2 = conv2;
        this.resample = resample;
        this.out = out;
    }

    /**
     * @param tembDim the time-embedding width (4 nf); {@code Dense_0} is read whenever the checkpoint has it
     * @param useTemb whether the time embedding is added (false for StoRM's denoiser, whose Dense_0 is unused)
     */
    public static ResnetBlockBigGAN load(StateDict sd, long in, long out, Resample resample, long tembDim,
                                         boolean useTemb) {
        GroupNorm n0 = Norms.groupNorm(sd.sub("GroupNorm_0"), in);
        Conv2dLayer c0 = Conv2dLayer.load(sd.sub("Conv_0"), in, out, 3, 1, 1);
        LinearLayer d0 = null;
        if (sd.has("Dense_0.weight")) {
            StateDict d = sd.sub("Dense_0");
            LinearLayer lin = new LinearLayer(d.get("weight", out, tembDim), d.get("bias", out));
            d0 = useTemb ? lin : null;
        } else if (useTemb) {
            throw new dev.restora.core.checkpoint.CheckpointException(sd.source() + ": missing weight '"
                    + sd.prefix() + "Dense_0.weight'");
        }
        GroupNorm n1 = Norms.groupNorm(sd.sub("GroupNorm_1"), out);
        Conv2dLayer c1 = Conv2dLayer.load(sd.sub("Conv_1"), out, out, 3, 1, 1);
        Conv2dLayer c2 = null;
        if (in != out || resample != Resample.NONE) {
            c2 = Conv2dLayer.load(sd.sub("Conv_2"), in, out, 1, 1, 0);
        }
        return new ResnetBlockBigGAN(n0, c0, d0, n1, c1, c2, resample, out);
    }

    public long outChannels() {
        return out;
    }

    /** @param temb {@code [B, 4 nf]} or null */
    public NDArray forward(NDArray x, NDArray temb) {
        NDArray h = norm0.forwardSilu(x);
        if (resample == Resample.UP) {
            h = FirUpsample.forward(h);
            x = FirUpsample.forward(x);
        } else if (resample == Resample.DOWN) {
            h = FirDownsample.forward(h);
            x = FirDownsample.forward(x);
        }
        h = conv0.forward(h);
        if (dense0 != null && temb != null) {
            NDArray t = dense0.forward(Activations.silu(temb));
            h = Residual.add(h, t.reshape(t.getShape().get(0), out, 1, 1)); // h: the fresh conv output
        }
        h = norm1.forwardSilu(h);
        h = conv1.forward(h);
        if (conv2 != null) {
            x = conv2.forward(x);
        }
        return Residual.addScaled(h, x, (float) INV_SQRT2); // h: this block's own fresh array
    }
}
