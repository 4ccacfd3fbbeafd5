#!/usr/bin/env python3
"""Reference outputs for the network blocks of dev.restora.core.nn, made with PyTorch's own modules.

Run from this folder with Debian's python3-torch (1.13) and python3-numpy:
    /usr/bin/python3 generate_references.py
Each case writes small float32 (or float16) .npy files named <case>_<array>.npy. The inputs are drawn from a fixed
seed, so running it again gives the same files. Only torch's public modules are used (no code from any model's
repository).
"""
import numpy as np
import torch
import torch.nn.functional as F

torch.manual_seed(20261122)
torch.set_num_threads(1)


def save(case, **arrays):
    for name, a in arrays.items():
        if isinstance(a, torch.Tensor):
            a = a.detach().numpy()
        np.save(f"{case}_{name}.npy", np.ascontiguousarray(a))


def randn(*shape):
    return torch.randn(*shape, dtype=torch.float32)


# --- Conv2d: zero padding, stride, groups, dilation, and the non-zero padding modes ---
conv_cases = [
    # name, in, out, k, stride, padding, dilation, groups, padding_mode, bias, H, W
    ("conv_zeros", 4, 6, 3, 1, 1, 1, 1, "zeros", True, 9, 11),
    ("conv_stride2", 4, 6, 3, 2, 1, 1, 1, "zeros", True, 9, 11),
    ("conv_groups", 6, 4, 3, 1, 1, 1, 2, "zeros", True, 8, 7),
    ("conv_depthwise", 4, 4, 3, 1, 1, 1, 4, "zeros", False, 8, 7),
    ("conv_dilation", 3, 5, 3, 1, 2, 2, 1, "zeros", True, 10, 9),
    ("conv_1x1_nobias", 5, 3, 1, 1, 0, 1, 1, "zeros", False, 6, 6),
    ("conv_reflect", 3, 4, 3, 1, 2, 1, 1, "reflect", True, 7, 9),
    ("conv_replicate", 3, 4, 3, 1, 2, 1, 1, "replicate", True, 7, 9),
    ("conv_circular", 3, 4, 3, 1, 2, 1, 1, "circular", True, 7, 9),
    ("conv_reflect_stride2_groups", 4, 6, 3, 2, 1, 1, 2, "reflect", True, 9, 8),
]
for name, cin, cout, k, s, p, d, g, mode, bias, h, w in conv_cases:
    conv = torch.nn.Conv2d(cin, cout, k, stride=s, padding=p, dilation=d, groups=g, bias=bias, padding_mode=mode)
    x = randn(2, cin, h, w)
    arrays = dict(x=x, weight=conv.weight, y=conv(x))
    if bias:
        arrays["bias"] = conv.bias
    save(name, **arrays)
    print(name, tuple(arrays["y"].shape))

# --- F.pad with asymmetric amounts (left, right, top, bottom) ---
x = randn(1, 2, 5, 6)
for mode in ["constant", "reflect", "replicate", "circular"]:
    save(f"pad_{mode}", x=x, y=F.pad(x, (1, 3, 2, 0), mode=mode))

# --- GroupNorm: float32, no affine, 3-D input, float16 input computed in float32 (GroupNorm32) ---
gn = torch.nn.GroupNorm(4, 8, eps=1e-6)
with torch.no_grad():
    gn.weight.copy_(randn(8))
    gn.bias.copy_(randn(8))
x = randn(2, 8, 5, 6) * 3 + 1.5
save("groupnorm_f32", x=x, weight=gn.weight, bias=gn.bias, y=gn(x))
gn_plain = torch.nn.GroupNorm(2, 6, eps=1e-5, affine=False)
x = randn(2, 6, 7)
save("groupnorm_noaffine_3d", x=x, y=gn_plain(x))
x16 = (randn(2, 8, 5, 6) * 4 + 20).half()
y16 = gn(x16.float()).type(x16.dtype)  # guided-diffusion's GroupNorm32
save("groupnorm_f16", x=x16, weight=gn.weight, bias=gn.bias, y=y16)

# --- Linear ---
lin = torch.nn.Linear(5, 7)
x = randn(2, 3, 5)
save("linear", x=x, weight=lin.weight, bias=lin.bias, y=lin(x))
lin_nb = torch.nn.Linear(4, 3, bias=False)
x = randn(6, 4)
save("linear_nobias", x=x, weight=lin_nb.weight, y=lin_nb(x))

# --- Attention: softmax(q k^T scale + bias) v ---
q, k, v = randn(2, 4, 10, 8), randn(2, 4, 12, 8), randn(2, 4, 12, 6)
bias = randn(4, 10, 12)
scale = 8 ** -0.5
logits = torch.matmul(q * scale, k.transpose(-1, -2))
save("attention", q=q, k=k, v=v, y=torch.matmul(torch.softmax(logits, -1), v))
save("attention_bias", q=q, k=k, v=v, bias=bias, y=torch.matmul(torch.softmax(logits + bias, -1), v))

# --- Activations ---
x = torch.cat([torch.linspace(-12, 12, 97), randn(64) * 3])
save("silu", x=x, y=F.silu(x))
save("gelu", x=x, y=F.gelu(x))  # exact erf form (approximate='none')

# --- Bicubic resize (antialias off, align_corners False), sizes that are not integer factors ---
x = randn(1, 2, 7, 9)
save("bicubic_up", x=x, y=F.interpolate(x, size=(13, 20), mode="bicubic", align_corners=False))
x = randn(1, 2, 16, 12)
save("bicubic_down", x=x, y=F.interpolate(x, size=(6, 5), mode="bicubic", align_corners=False))
x = randn(2, 3, 5, 4)
save("bicubic_x2", x=x, y=F.interpolate(x, scale_factor=2, mode="bicubic", align_corners=False))

# --- Sinusoidal embedding with an odd dimension (guided-diffusion appends a zero column) ---
t = torch.tensor([0, 1, 7, 250, 999], dtype=torch.int64)
half = 7 // 2
freqs = torch.exp(-np.log(10000) * torch.arange(0, half, dtype=torch.float32) / half)
args = t[:, None].float() * freqs[None]
emb = torch.cat([torch.cos(args), torch.sin(args)], dim=-1)
emb = torch.cat([emb, torch.zeros_like(emb[:, :1])], dim=-1)
save("sinusoidal_odd", t=t, y=emb)
