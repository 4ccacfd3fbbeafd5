#!/usr/bin/env python3
"""Writes the tiny TorchScript helper for the few operations DJL lacks (no weights, no network).

Usage: /usr/bin/python3 make_torch_helper.py OUT.pt     (Debian's python3-torch 1.13; libtorch 2.7.1 loads it)
The project's copy is restoration-core/src/main/resources/dev/restora/core/nn/torch-helper.pt.

forward(x):          the same values, channels-last strides (NHWC in memory) for a 4-D tensor, other ranks unchanged
contiguous(x):       the same values in the default (row-major, NCHW) layout
is_channels_last(x): whether x is laid out channels-last (for tests of which operations keep the layout)
silu(x):             x * sigmoid(x) in one pass (DJL computes it as two), keeping x's layout
"""
import sys

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
    def silu(self, x: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.silu(x)


if __name__ == "__main__":
    m = torch.jit.script(TorchHelper().eval())
    torch.jit.save(m, sys.argv[1])
