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
                     moments (var_mean, one read) are combined per group by the law of total variance,
                     var_g = mean_c(var_c + (mean_c - mean_g)^2), and applied as one per-channel scale and shift
                     (addcmul), which keeps the layout
group_norm_silu(x, groups, eps), group_norm_affine_silu(x, groups, weight, bias, eps):
                     the same followed by silu in place on the fresh result (no second full-size array)
group_norm_affine_modulated_silu(x, groups, weight, bias, eps, scale, shift):
                     silu(group_norm(x) * (1 + scale) + shift), the scale-shift norm of guided diffusion's ResBlock,
                     in place on the fresh result (channels-last: folded into the one per-channel scale and shift)
"""
import sys
from typing import Optional

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
        var_c, mean_c = torch.var_mean(x, [2, 3], unbiased=False)
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
    def group_norm_native(self, x: torch.Tensor, groups: int, eps: float) -> torch.Tensor:
        """torch's own kernel whatever the layout (for measurements and tests)."""
        return torch.nn.functional.group_norm(x, groups, None, None, eps)


if __name__ == "__main__":
    m = torch.jit.script(TorchHelper().eval())
    torch.jit.save(m, sys.argv[1])
