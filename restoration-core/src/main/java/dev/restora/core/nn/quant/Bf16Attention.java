package dev.restora.core.nn.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.restora.core.engine.CpuInfo;

/**
 * The int8 fast mode's attention: softmax(q k^T * scale) v with the two activation-by-activation products in
 * bfloat16 (8-bit mantissa, float32 range) and the softmax computed in float32 from and to bfloat16. Q-Diffusion
 * quantizes these products to int8 as well, but int8 softmax probabilities are too coarse for a long sequence (a
 * 4096-token attention moved 5 % RMS here), while bfloat16 keeps each probability to 0.4 % relative and runs both
 * products at the CPU's bfloat16 dot-product rate (1.6x the fused float32 kernel on a 4096-token, 512-channel
 * attention, measured). Only on CPUs with bfloat16 dot products (AVX512-BF16, AMX-BF16); elsewhere, and for short
 * sequences, the float32 attention runs.
 */
public final class Bf16Attention {
    /** Logits from which the bfloat16 products pay (a 1024-token self-attention). */
    static final long MIN_LOGITS = 1024L * 1024;
    /** Logits per query chunk: one chunk's bfloat16 logits and probabilities stay within 32 MiB each. */
    static final long CHUNK_LOGITS = 1L << 24;

    private Bf16Attention() {
    }

    /** Whether {@code cpu} computes bfloat16 products natively. */
    public static boolean supported(CpuInfo cpu) {
        return cpu.isa().contains("avx512_bf16") || cpu.isa().contains("amx_bf16");
    }

    /** Whether the bfloat16 attention serves this call: float32 operands of a long enough sequence, no bias. */
    static boolean applies(NDArray q, NDArray k, NDArray v, NDArray bias) {
        int r = q.getShape().dimension();
        return bias == null && r >= 2 && r <= 4 && q.getDataType() == DataType.FLOAT32
                && k.getDataType() == DataType.FLOAT32 && v.getDataType() == DataType.FLOAT32
                && q.getShape().get(r - 2) * k.getShape().get(r - 2) >= MIN_LOGITS;
    }

    /** The attention of q [..., Nq, d], k [..., Nk, d], v [..., Nk, dv], in chunks of queries. */
    static NDArray forward(NDArray q, NDArray k, NDArray v, double scale) {
        int axis = q.getShape().dimension() - 2;
        long nq = q.getShape().get(axis);
        long lead = q.getShape().size() / (nq * q.getShape().get(axis + 1));
        long chunk = Math.max(1, CHUNK_LOGITS / (lead * k.getShape().get(axis)));
        // one helper call: k and v converted once, the chunks looped over inside (no per-chunk conversions)
        return QuantHelper.get().attentionBf16(q, k, v, scale, Math.min(chunk, nq));
    }
}
