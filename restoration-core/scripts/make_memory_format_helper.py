#!/usr/bin/env python3
"""Writes the tiny TorchScript helper that changes a tensor's memory format (DJL has no API for it).

Usage: /usr/bin/python3 make_memory_format_helper.py OUT.pt     (Debian's python3-torch 1.13; libtorch 2.7.1 loads it)

forward(x):      the same values, channels-last strides (NHWC in memory) for a 4-D tensor, other ranks unchanged
contiguous(x):   the same values in the default (row-major, NCHW) layout
is_channels_last(x): whether x is laid out channels-last (for tests of which operations keep the layout)
The module holds no weights; its result is a new tensor only where the layout has to change.
"""
import sys

import torch


class MemoryFormat(torch.nn.Module):
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


if __name__ == "__main__":
    m = torch.jit.script(MemoryFormat().eval())
    torch.jit.save(m, sys.argv[1])
