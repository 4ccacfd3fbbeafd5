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
attention_bf16(q, k, v, scale):
    softmax(q k^T * scale) v for float32 q, k, v [..., N, d] with both products in bfloat16 (scale applied to q in
    float32 first, the softmax taken in float32 from the bfloat16 logits), returned in float32.
"""
import sys

import torch


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
    def attention_bf16(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, scale: float) -> torch.Tensor:
        logits = torch.matmul((q * scale).to(torch.bfloat16), k.to(torch.bfloat16).transpose(-1, -2))
        p = torch.softmax(logits, -1, torch.float32).to(torch.bfloat16)
        return torch.matmul(p, v.to(torch.bfloat16)).to(torch.float32)


if __name__ == "__main__":
    m = torch.jit.script(QuantHelper().eval())
    torch.jit.save(m, sys.argv[1])
