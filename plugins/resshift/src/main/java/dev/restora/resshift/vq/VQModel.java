package dev.restora.resshift.vq;

import ai.djl.ndarray.NDArray;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.nn.Conv2dLayer;
import dev.restora.core.nn.Precision;

/**
 * {@code ldm.models.autoencoder.VQModelTorch} (spec §2): {@link #encode} = encoder + quant_conv without
 * quantization; {@link #decode} = quantize (unless told not to) + post_quant_conv + decoder.
 */
public final class VQModel {
    private final VQConfig config;
    private final VQEncoder encoder;
    private final Conv2dLayer quantConv;
    private final VectorQuantizer quantize;
    private final Conv2dLayer postQuantConv;
    private final VQDecoder decoder;
    private final long parameters;

    private VQModel(VQConfig config, VQEncoder encoder, Conv2dLayer quantConv, VectorQuantizer quantize,
                    Conv2dLayer postQuantConv, VQDecoder decoder, long parameters) {
        this.config = config;
        this.encoder = encoder;
        this.quantConv = quantConv;
        this.quantize = quantize;
        this.postQuantConv = postQuantConv;
        this.decoder = decoder;
        this.parameters = parameters;
    }

    /** Builds the model from a state dict with the keys of spec §4.3; every key must be used. */
    public static VQModel load(StateDict sd, VQConfig c) {
        return load(sd, c, AttnBlock.DEFAULT_MAX_LOGITS);
    }

    /**
     * @param maxAttentionLogits how many attention logits the mid blocks may hold at once (queries are chunked to
     *                           stay below it; the result does not depend on it)
     */
    public static VQModel load(StateDict sd, VQConfig c, long maxAttentionLogits) {
        VQEncoder enc = VQEncoder.load(sd.sub("encoder"), c, maxAttentionLogits);
        Conv2dLayer qc = Conv2dLayer.load(sd.sub("quant_conv"), c.zChannels(), c.embedDim(), 1, 1, 0);
        VectorQuantizer vq = VectorQuantizer.load(sd.sub("quantize"), c.nEmbed(), c.embedDim());
        Conv2dLayer pqc = Conv2dLayer.load(sd.sub("post_quant_conv"), c.embedDim(), c.zChannels(), 1, 1, 0);
        VQDecoder dec = VQDecoder.load(sd.sub("decoder"), c, maxAttentionLogits);
        sd.requireAllUsed();
        long params = 0;
        for (NDArray a : sd.asMap().values()) {
            params += a.getShape().size();
        }
        return new VQModel(c, enc, qc, vq, pqc, dec, params);
    }

    public VQConfig config() {
        return config;
    }

    /** The precision the network was built in: float16 when its convolution weights are. */
    public Precision precision() {
        return quantConv.weight().getDataType() == ai.djl.ndarray.types.DataType.FLOAT16 ? Precision.FLOAT16
                : Precision.FLOAT32;
    }

    public long parameterCount() {
        return parameters;
    }

    public VectorQuantizer quantizer() {
        return quantize;
    }

    /** Image in [-1, 1] (B x 3 x H x W) to the unquantized latent (B x embed_dim x H/f x W/f). */
    public NDArray encode(NDArray image) {
        // float32 out: in half precision the float16 latent's values, as the official sampler promotes them
        return Precision.float32(quantConv.forward(encoder.forward(image)));
    }

    /** Latent to image; {@code quantizeFirst} false is the official {@code force_not_quantize=True}. */
    public NDArray decode(NDArray z, boolean quantizeFirst) {
        return decodeQuantized(quantizeFirst ? quantize.quantize(z) : z);
    }

    /** The decoder part of {@link #decode} on an already quantized latent. */
    public NDArray decodeQuantized(NDArray zq) {
        return Precision.float32(decoder.forward(postQuantConv.forward(zq)));
    }
}
