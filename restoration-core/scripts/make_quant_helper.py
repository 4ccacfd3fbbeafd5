#!/usr/bin/env python3
"""Writes the TorchScript helper of quantized operations for the int8 fast mode (no weights, no network).

Usage: /usr/bin/python3 make_quant_helper.py OUT.pt     (Debian's python3-torch 1.13; libtorch 2.7.1 loads it)
The project's copy is restoration-core/src/main/resources/dev/restora/core/nn/quant/quant-helper.pt.

prepack(w, scales, bias, stride, padding, dilation, groups):
    w (float32 [out, in/groups, kh, kw]) quantized per output channel, symmetric (zero point 0, qint8) with the given
    float32 scales [out], then packed for the engine's quantized convolution (fbgemm/oneDNN on x86). Returns the
    packed-parameters object (a TorchScript custom class): the caller keeps it as an opaque value and hands it back.
conv(packed, x, in_scale, in_zero_point, out_scale, out_zero_point, channels_last):
    quantize x (float32 NCHW, any memory format) to quint8 with the input scale and zero point, run the int8
    convolution (int32 accumulation, bias in float, requantized to quint8 with the output scale and zero point),
    and return the dequantized float32 result, channels-last as the quantized kernels lay it out, or row-major
    (NCHW) when channels_last is false.
linear_prepack(w, scales, bias):
    w (float32 [out, in]) quantized per output channel, symmetric (zero point 0, qint8) with the given float32
    scales [out], packed with the float32 bias for the engine's int8 matrix product (fbgemm on x86). Returns the
    packed-parameters object, opaque as above.
linear(packed, x):
    dynamic int8 linear (quantized::linear_dynamic): x (float32 [..., in]) is quantized to quint8 per tensor from its
    own range at every call (no calibration), int32 accumulation, float32 result [..., out] with the bias added.
prepack_float_out(w, scales, in_scale, in_zero_point, stride, padding, dilation, groups):
    w quantized as for prepack, packed for oneDNN's int8 convolution with a float32 output (onednn.qconv_prepack, the
    x86 backend of torch.compile's quantization; libtorch 2.x). Returns an opaque tensor to hand back to
    conv_float_out.
conv_float_out(packed, x, in_scale, in_zero_point, scales, bias, stride, padding, dilation, groups, channels_last):
    quantize x to uint8 as for conv, then onednn.qconv2d_pointwise with a float32 output: int32 accumulation scaled
    by in_scale * scales and the bias added in float32, written once (no quint8 output to requantize and dequantize).
    Both are scripted with placeholders and swapped into the saved code (make_torch_helper.rewrite): Debian's torch
    1.13, which writes this file, lacks the onednn operations.
attention_bf16(q, k, v, scale, chunk):
    softmax(q k^T * scale) v for float32 q, k, v [..., N, d] with both products in bfloat16 (scale applied to q in
    float32 first; the softmax reads the bfloat16 logits, computes in float32 and writes bfloat16 probabilities),
    returned in float32. k^T and v are converted (and k^T laid out for the product) once; the queries go through in
    chunks of `chunk` rows, so that only one chunk's logits exist at a time.
"""
import os
import sys
from typing import List, Optional

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_torch_helper import save  # noqa: E402  (the placeholder rewrite for operations newer than torch 1.13)


class QuantHelper(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x

    @torch.jit.export
    def prepack(self, w: torch.Tensor, scales: torch.Tensor, bias: torch.Tensor, stride: int, padding: int,
                dilation: int, groups: int) -> torch.classes.quantized.Conv2dPackedParamsBase:
        zero_points = torch.zeros(scales.shape, dtype=torch.long)
        qw = torch.quantize_per_channel(w, scales.double(), zero_points, 0, torch.qint8)
        return torch.ops.quantized.conv2d_prepack(qw, bias, [stride, stride], [padding, padding],
                                                  [dilation, dilation], groups)

    @torch.jit.export
    def conv(self, packed: torch.classes.quantized.Conv2dPackedParamsBase, x: torch.Tensor, in_scale: float,
             in_zero_point: int, out_scale: float, out_zero_point: int, channels_last: bool) -> torch.Tensor:
        qx = torch.quantize_per_tensor(x, in_scale, in_zero_point, torch.quint8)
        y = torch.ops.quantized.conv2d(qx, packed, out_scale, out_zero_point).dequantize()
        return y if channels_last else y.contiguous()

    @torch.jit.export
    def linear_prepack(self, w: torch.Tensor, scales: torch.Tensor,
                       bias: torch.Tensor) -> torch.classes.quantized.LinearPackedParamsBase:
        zero_points = torch.zeros(scales.shape, dtype=torch.long)
        qw = torch.quantize_per_channel(w, scales.double(), zero_points, 0, torch.qint8)
        return torch.ops.quantized.linear_prepack(qw, bias)

    @torch.jit.export
    def linear(self, packed: torch.classes.quantized.LinearPackedParamsBase, x: torch.Tensor) -> torch.Tensor:
        return torch.ops.quantized.linear_dynamic(x, packed, False)

    @torch.jit.export
    def prepack_float_out(self, w: torch.Tensor, scales: torch.Tensor, in_scale: float, in_zero_point: int,
                          stride: int, padding: int, dilation: int, groups: int) -> torch.Tensor:
        zero_points = torch.zeros(scales.shape, dtype=torch.long)
        qw = torch.quantize_per_channel(w, scales.double(), zero_points, 0, torch.qint8).int_repr()
        # placeholder for 1.13's compiler: onednn.qconv_prepack in the saved code
        return torch.addcdiv(qw, scales, scales, value=in_scale)

    @torch.jit.export
    def conv_float_out(self, packed: torch.Tensor, x: torch.Tensor, in_scale: float, in_zero_point: int,
                       scales: torch.Tensor, bias: torch.Tensor, stride: int, padding: int, dilation: int, groups: int,
                       channels_last: bool) -> torch.Tensor:
        qx = torch.quantize_per_tensor(x, in_scale, in_zero_point, torch.quint8).int_repr()
        zero_points = torch.zeros(scales.shape, dtype=torch.long)
        # placeholder for 1.13's compiler: onednn.qconv2d_pointwise with a float32 output in the saved code
        y = torch.addcmul(qx, packed, zero_points, value=in_scale)
        return y if channels_last else y.contiguous()

    @torch.jit.export
    def attention_bf16(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, scale: float,
                       chunk: int) -> torch.Tensor:
        qb = (q * scale).to(torch.bfloat16)
        kt = k.to(torch.bfloat16).transpose(-1, -2).contiguous()
        vb = v.to(torch.bfloat16)
        n = q.size(-2)
        if chunk >= n:
            # torch's softmax of a bfloat16 tensor accumulates in float32 and writes bfloat16 probabilities in one pass
            return torch.matmul(torch.softmax(torch.matmul(qb, kt), -1), vb).to(torch.float32)
        parts: List[torch.Tensor] = []
        for start in range(0, n, chunk):
            logits = torch.matmul(qb.narrow(-2, start, min(chunk, n - start)), kt)
            parts.append(torch.matmul(torch.softmax(logits, -1), vb))
        return torch.cat(parts, -2).to(torch.float32)


ONEDNN = {
    r"torch\.addcdiv\(qw, scales, scales, value=in_scale\)":
        "ops.onednn.qconv_prepack(qw, scales, in_scale, in_zero_point, [stride, stride], [padding, padding], "
        "[dilation, dilation], groups, None)",
    r"torch\.addcmul\(qx, packed, zero_points, value=in_scale\)":
        "ops.onednn.qconv2d_pointwise(qx, in_scale, in_zero_point, packed, scales, zero_points, bias, "
        "[stride, stride], [padding, padding], [dilation, dilation], groups, 1., 0, 6, \"none\", "
        "annotate(List[Optional[number]], []), None)",
}

if __name__ == "__main__":
    save(QuantHelper(), sys.argv[1], ONEDNN)
