package dev.restora.resshift;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.diffusion.EncoderPropagation;
import dev.restora.core.nn.Padding;
import dev.restora.core.nn.PaddingMode;
import dev.restora.core.nn.Precision;
import dev.restora.core.nn.Resize;
import dev.restora.resshift.diffusion.EtaSchedule;
import dev.restora.resshift.diffusion.OneStepSampler;
import dev.restora.resshift.diffusion.ResShiftDenoiser;
import dev.restora.resshift.diffusion.ResShiftSampler;
import dev.restora.resshift.unet.UNetModelSwin;
import dev.restora.resshift.vq.VQModel;

/**
 * A loaded ResShift model: denoiser, autoencoder and schedule, with the pieces of the official
 * {@code sample_func} (spec §1.5, §2.1): reflect padding, bicubic upsampling, encoding, the sampler, decoding
 * with quantization, cropping and clamping.
 */
public final class ResShiftModel {
    private final ResShiftVariant variant;
    private final UNetModelSwin unet;
    private final VQModel vq;
    private final EtaSchedule schedule;

    public ResShiftModel(ResShiftVariant variant, UNetModelSwin unet, VQModel vq) {
        this.variant = variant;
        this.unet = unet;
        this.vq = vq;
        this.schedule = variant.schedule();
        if (unet.config().inChannels() != vq.config().embedDim()) {
            throw new IllegalArgumentException("denoiser latent channels " + unet.config().inChannels()
                    + " differ from the autoencoder's " + vq.config().embedDim());
        }
    }

    /** Builds both networks from their state dicts (each checked to be fully used). */
    public static ResShiftModel load(ResShiftVariant variant, StateDict unetWeights, StateDict vqWeights,
                                     NDManager weights) {
        return load(variant, unetWeights, vqWeights, weights, Precision.FLOAT32);
    }

    /**
     * The same in a given precision. {@link Precision#FLOAT16} (APPROXIMATE) follows the official sampler's
     * {@code torch.cuda.amp.autocast} around the whole sample function, encoder and decoder included
     * ({@code BaseSampler(use_amp=True)}): float16 copies of the convolution and linear weights are made here, once,
     * in {@code weights}; the norms, softmaxes and the sampler's arithmetic stay float32.
     */
    public static ResShiftModel load(ResShiftVariant variant, StateDict unetWeights, StateDict vqWeights,
                                     NDManager weights, Precision precision) {
        boolean half = precision == Precision.FLOAT16;
        UNetModelSwin unet = UNetModelSwin.load(half ? unetWeights.inHalfPrecision() : unetWeights, variant.unet(),
                weights);
        VQModel vq = VQModel.load(half ? vqWeights.inHalfPrecision() : vqWeights, variant.vq());
        return new ResShiftModel(variant, unet, vq);
    }

    /** The precision the networks compute in (float16 when their convolution weights are). */
    public Precision precision() {
        return unet.precision();
    }

    public ResShiftVariant variant() {
        return variant;
    }

    public UNetModelSwin unet() {
        return unet;
    }

    public VQModel autoencoder() {
        return vq;
    }

    public EtaSchedule schedule() {
        return schedule;
    }

    /**
     * Reflect-pads bottom and right up to a multiple of the padding offset (official: only when needed). Where the
     * image is too small for one reflection (official code fails there, issue #104) the reflection is repeated.
     */
    public NDArray pad(NDArray x) {
        int off = variant.paddingOffset();
        int h = (int) x.getShape().get(2);
        int w = (int) x.getShape().get(3);
        int padH = (int) (Math.ceil(h / (double) off) * off) - h;
        int padW = (int) (Math.ceil(w / (double) off) * off) - w;
        return padRepeated(x, padH, padW);
    }

    static NDArray padRepeated(NDArray x, int padH, int padW) {
        NDArray out = x;
        while (padH > 0 || padW > 0) {
            int h = (int) out.getShape().get(2);
            int w = (int) out.getShape().get(3);
            int ph = Math.min(padH, h - 1);
            int pw = Math.min(padW, w - 1);
            if ((padH > 0 && ph == 0) || (padW > 0 && pw == 0)) {
                // a single row or column cannot be reflected: replicate it once
                out = Padding.pad(out, PaddingMode.REPLICATE, 0, padW > 0 && pw == 0 ? 1 : 0, 0,
                        padH > 0 && ph == 0 ? 1 : 0);
                padH -= padH > 0 && ph == 0 ? 1 : 0;
                padW -= padW > 0 && pw == 0 ? 1 : 0;
                continue;
            }
            out = Padding.pad(out, PaddingMode.REFLECT, 0, pw, 0, ph);
            padH -= ph;
            padW -= pw;
        }
        return out;
    }

    /** What the encoder sees: the padded LQ, bicubic-upsampled by sf unless sf = 1 (torch default bicubic). */
    public NDArray encoderInput(NDArray padded) {
        return variant.scale() == 1 ? padded : Resize.bicubic(padded, variant.scale());
    }

    /** z_y = Enc(encoder input) (scale_factor 1). */
    public NDArray encode(NDArray encoderInput) {
        return vq.encode(encoderInput);
    }

    /**
     * The reverse process for one tile; {@code oneStep} chooses SinSR's single step at t = T-1. The network's LQ
     * conditioning (mask concatenation, feature extractor) is computed here, once for all steps, and belongs to
     * {@code lqPadded}'s manager (the tile's scope).
     */
    public ResShiftSampler sampler(NDArray zY, NDArray lqPadded, NDArray maskPadded, boolean oneStep) {
        NDArray lqCond = unet.config().condLq() ? lqPadded : null;
        NDArray maskCond = unet.config().condMask() ? maskPadded : null;
        NDArray condition = unet.condition(lqCond, maskCond);
        return oneStep ? new OneStepSampler(schedule, zY, condition) : new ResShiftSampler(schedule, zY, condition);
    }

    /** The denoiser as the sampler calls it, with the conditioning {@link #sampler} prepared. */
    public ResShiftDenoiser denoiser() {
        return (x, t, condition) -> unet.forwardConditioned(x, t, condition, null);
    }

    /**
     * The denoiser with encoder propagation (approximate, {@link EncoderPropagation}): the UNet's encoder runs at the
     * key steps of {@code propagation} only; {@code null} gives the exact {@link #denoiser()}.
     */
    public ResShiftDenoiser denoiser(EncoderPropagation propagation) {
        if (propagation == null) {
            return denoiser();
        }
        return (x, t, condition) -> {
            propagation.beforeCall(t.getLong(0));
            return unet.forwardConditioned(x, t, condition, null, propagation);
        };
    }

    /** Dec(quantize(z)) (the official decode applies the codebook lookup). */
    public NDArray decode(NDArray z) {
        return vq.decode(z, true);
    }

    /** Crops to (h·sf, w·sf) and clamps to [-1, 1]. */
    public NDArray cropClamp(NDArray decoded, int lqHeight, int lqWidth) {
        int s = variant.scale();
        return decoded.get(":, :, 0:" + lqHeight * s + ", 0:" + lqWidth * s).clip(-1f, 1f);
    }
}
