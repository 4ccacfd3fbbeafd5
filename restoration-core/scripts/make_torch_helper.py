#!/usr/bin/env python3
"""Writes the tiny TorchScript helper for the few operations DJL lacks (no weights, no network).

Usage: /usr/bin/python3 make_torch_helper.py OUT.pt     (Debian's python3-torch 1.13; libtorch 2.7.1 loads it)
The project's copy is restoration-core/src/main/resources/dev/restora/core/nn/torch-helper.pt.

forward(x):          the same values, channels-last strides (NHWC in memory) for a 4-D tensor, other ranks unchanged
contiguous(x):       the same values in the default (row-major, NCHW) layout
is_channels_last(x): whether x is laid out channels-last (for tests of which operations keep the layout)
is_inference(x):     whether x is an inference tensor (every result of this helper is: the engine runs it in
                     inference mode), which must not be updated in place
silu(x):             x * sigmoid(x) in one pass (DJL computes it as two), keeping x's layout
group_norm(x, groups, eps) and group_norm_affine(x, groups, weight, bias, eps):
                     torch.nn.functional.group_norm (an operation DJL lacks) for a row-major x. For a channels-last
                     x, libtorch's channels-last kernel takes the variance as E[x^2] - E[x]^2 in float32, which
                     loses digits when a group's mean is large against its spread; instead the exact per-channel
                     moments (torch's batch-norm statistics kernel: two vectorised passes, the mean and then the
                     mean of (x - mean)^2) are combined per group by the law of total variance,
                     var_g = mean_c(var_c + (mean_c - mean_g)^2), and applied as one per-channel scale and shift
                     (addcmul), which keeps the layout
group_norm_silu(x, groups, eps), group_norm_affine_silu(x, groups, weight, bias, eps):
                     the same followed by silu in place on the fresh result (no second full-size array)
group_norm_affine_modulated_silu(x, groups, weight, bias, eps, scale, shift):
                     silu(group_norm(x) * (1 + scale) + shift), the scale-shift norm of guided diffusion's ResBlock,
                     in place on the fresh result (channels-last: folded into the one per-channel scale and shift)
conv_prepack(w, b, stride, padding, dilation, groups, input_size) and conv_run(x, context):
                     torch.nn.functional.conv2d with the weight reordered into oneDNN's blocked layout once
                     (mkldnn_prepacked, the operations torch.jit.freeze uses on CPU) instead of at every call: the
                     same kernel and the same values, without the per-call weight reorder that dominates
                     convolutions of small maps with many channels (4x on a 640-channel 8x8 map)
attention(q, k, v, scale):
                     softmax(q k^T * scale) v over the last two axes by torch.nn.functional.scaled_dot_product_attention
                     (libtorch's fused CPU kernel: the Nq x Nk logits never exist at once, the softmax is computed block
                     by block with running maxima; same values to float rounding). Debian's torch 1.13, which writes
                     this file, predates that operation, so the method is scripted with a placeholder body and the
                     placeholder is replaced in the archive's code (see rewrite below); libtorch 2.x, which
                     the app runs, compiles the code on load.
"""
import io
import re
import sys
import zipfile
from typing import List, Optional, Tuple

import torch


class TorchHelper(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != 4:
            return x
        return x.contiguous(memory_format=torch.channels_last)

    @torch.jit.export
    def contiguous(self, x: torch.Tensor) -> torch.Tensor:
        return x.contiguous()

    @torch.jit.export
    def is_channels_last(self, x: torch.Tensor) -> bool:
        return x.dim() == 4 and x.is_contiguous(memory_format=torch.channels_last) and not x.is_contiguous()

    @torch.jit.export
    def is_inference(self, x: torch.Tensor) -> bool:
        return x.is_inference()

    @torch.jit.export
    def silu(self, x: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.silu(x)

    def _channel_moments(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        # Per sample and channel: the mean and the biased variance of a channels-last map, by torch's batch-norm
        # statistics kernel (two passes, vectorised along the channels: the mean, then the mean of (x - mean)^2),
        # one sample at a time because batch norm pools the batch. torch.var_mean over dims [2, 3] gives the same
        # values but reduces a channels-last map element by element (16x slower on a 128 x 512 x 512 map).
        means: List[torch.Tensor] = []
        variances: List[torch.Tensor] = []
        for i in range(x.size(0)):
            m, v = torch.batch_norm_update_stats(x.narrow(0, i, 1), None, None, 0.0)
            means.append(m)
            variances.append(v)
        return torch.stack(means), torch.stack(variances)

    def _group_norm(self, x: torch.Tensor, groups: int, weight: Optional[torch.Tensor],
                    bias: Optional[torch.Tensor], eps: float, scale: Optional[torch.Tensor],
                    shift: Optional[torch.Tensor]) -> torch.Tensor:
        if x.dim() != 4 or x.is_contiguous() or not x.is_contiguous(memory_format=torch.channels_last):
            y = torch.nn.functional.group_norm(x, groups, weight, bias, eps)
            if scale is not None and shift is not None:
                y = y.mul_(1 + scale).add_(shift)
            return y
        n = x.size(0)
        c = x.size(1)
        mean_c, var_c = self._channel_moments(x)
        mean_cg = mean_c.view(n, groups, c // groups)
        mean_g = mean_cg.mean(2, keepdim=True)
        var_g = (var_c.view(n, groups, c // groups) + (mean_cg - mean_g).square()).mean(2, keepdim=True)
        rstd = (var_g + eps).rsqrt()
        a = rstd.expand(n, groups, c // groups).reshape(n, c)
        b = (-mean_g * rstd).expand(n, groups, c // groups).reshape(n, c)
        if weight is not None and bias is not None:
            a = a * weight
            b = torch.addcmul(bias, b, weight)
        if scale is not None and shift is not None:
            s = 1 + scale.reshape(n, c)
            a = a * s
            b = torch.addcmul(shift.reshape(n, c), b, s)
        return torch.addcmul(b.view(n, c, 1, 1), x, a.view(n, c, 1, 1))

    @torch.jit.export
    def group_norm(self, x: torch.Tensor, groups: int, eps: float) -> torch.Tensor:
        return self._group_norm(x, groups, None, None, eps, None, None)

    @torch.jit.export
    def group_norm_affine(self, x: torch.Tensor, groups: int, weight: torch.Tensor, bias: torch.Tensor,
                          eps: float) -> torch.Tensor:
        return self._group_norm(x, groups, weight, bias, eps, None, None)

    @torch.jit.export
    def group_norm_silu(self, x: torch.Tensor, groups: int, eps: float) -> torch.Tensor:
        return torch.nn.functional.silu(self._group_norm(x, groups, None, None, eps, None, None), inplace=True)

    @torch.jit.export
    def group_norm_affine_silu(self, x: torch.Tensor, groups: int, weight: torch.Tensor, bias: torch.Tensor,
                               eps: float) -> torch.Tensor:
        return torch.nn.functional.silu(self._group_norm(x, groups, weight, bias, eps, None, None), inplace=True)

    @torch.jit.export
    def group_norm_affine_modulated_silu(self, x: torch.Tensor, groups: int, weight: torch.Tensor,
                                         bias: torch.Tensor, eps: float, scale: torch.Tensor,
                                         shift: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.silu(self._group_norm(x, groups, weight, bias, eps, scale, shift), inplace=True)

    @torch.jit.export
    def conv_prepack(self, w: torch.Tensor, b: Optional[torch.Tensor], stride: int, padding: int, dilation: int,
                     groups: int, input_size: List[int]) -> torch.classes.mkldnn.ConvOpContext:
        return torch.ops.mkldnn_prepacked.conv2d_prepack(w, b, [stride, stride], [padding, padding],
                                                          [dilation, dilation], groups, input_size, "none")

    @torch.jit.export
    def conv_prepack_nobias(self, w: torch.Tensor, stride: int, padding: int, dilation: int, groups: int,
                            input_size: List[int]) -> torch.classes.mkldnn.ConvOpContext:
        return self.conv_prepack(w, None, stride, padding, dilation, groups, input_size)

    @torch.jit.export
    def conv_run(self, x: torch.Tensor, context: torch.classes.mkldnn.ConvOpContext) -> torch.Tensor:
        return torch.ops.mkldnn_prepacked.conv2d_run(x, context)

    @torch.jit.export
    def attention(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, scale: float) -> torch.Tensor:
        # placeholder for 1.13's compiler, replaced by scaled_dot_product_attention in the saved code
        return torch.addcdiv(q, k, v, value=scale)

    @torch.jit.export
    def group_norm_native(self, x: torch.Tensor, groups: int, eps: float) -> torch.Tensor:
        """torch's own kernel whatever the layout (for measurements and tests)."""
        return torch.nn.functional.group_norm(x, groups, None, None, eps)


ATTENTION = {r"torch\.addcdiv\(q, k, v, value=scale\)":
             "torch.scaled_dot_product_attention(q, k, v, None, 0., False, scale=scale)"}


def rewrite(archive: bytes, replacements: dict) -> bytes:
    """The saved module with each placeholder (a regular expression that must occur exactly once in the scripted
    code) replaced by an operation newer than the torch that scripted it; the code's debug tables (source ranges of
    the original text, optional on load) are left out as they no longer match."""
    out = io.BytesIO()
    counts = {k: 0 for k in replacements}
    with zipfile.ZipFile(io.BytesIO(archive)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.endswith(".debug_pkl"):
                continue
            if item.filename.endswith("code/__torch__.py"):
                text = data.decode("utf-8")
                for pattern, replacement in replacements.items():
                    text, n = re.subn(pattern, replacement, text)
                    counts[pattern] += n
                data = text.encode("utf-8")
            zout.writestr(item, data)
    for pattern, n in counts.items():
        if n != 1:
            raise SystemExit("expected one placeholder %s in the scripted code, found %d" % (pattern, n))
    return out.getvalue()


def save(module: torch.nn.Module, path: str, replacements: dict) -> None:
    buffer = io.BytesIO()
    torch.jit.save(torch.jit.script(module.eval()), buffer)
    with open(path, "wb") as f:
        f.write(rewrite(buffer.getvalue(), replacements))


if __name__ == "__main__":
    save(TorchHelper(), sys.argv[1], ATTENTION)
