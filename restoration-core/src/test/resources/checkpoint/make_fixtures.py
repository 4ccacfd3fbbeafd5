#!/usr/bin/env python3
"""Generates the small hand-made checkpoints CheckpointFormatsTest reads.

Run with Debian's torch 1.13 (apt-get install -y python3-torch python3-numpy) from this folder:
    /usr/bin/python3 make_fixtures.py
Every file is deterministic and a few KB. Expected values go to *_expected.npz (float16/bfloat16 widened to float32).
"""
import argparse
import collections
import io
import json
import pathlib
import struct
import sys
import types
import zipfile

import numpy as np
import torch

OUT = pathlib.Path(__file__).resolve().parent


def fake_module(name, **attrs):
    """Registers a module so that pickle can reference classes that the Java reader must not call."""
    mod = types.ModuleType(name)
    for k, v in attrs.items():
        v.__module__ = name
        v.__qualname__ = k
        setattr(mod, k, v)
    sys.modules[name] = mod
    parent, _, child = name.rpartition('.')
    if parent:
        if parent not in sys.modules:
            fake_module(parent)
        setattr(sys.modules[parent], child, mod)
    return mod


def dtype_tensors():
    base = (torch.arange(24, dtype=torch.float32) * 0.25 - 2.0).reshape(4, 6)
    t = collections.OrderedDict()
    t['f32'] = base.clone()
    t['f16'] = torch.tensor([0.0, -0.0, 1.0, -2.5, 65504.0, 6.1035156e-05, 5.9604645e-08, 0.1,
                             float('inf'), float('-inf')], dtype=torch.float16)
    t['bf16'] = torch.tensor([0.0, 1.0, -3.140625, 1.0e38, -1.0e-38, 0.1, float('inf'), 257.0],
                             dtype=torch.bfloat16)
    t['f64'] = torch.tensor([[1.0 / 3.0, -1e300], [2.0 ** -1074, 12345.678901234]], dtype=torch.float64)
    t['i64'] = torch.tensor([0, -1, 2 ** 40 + 1, -(2 ** 62), 2 ** 63 - 1], dtype=torch.int64)
    t['i32'] = torch.tensor([[7, -8], [2 ** 31 - 1, -(2 ** 31)]], dtype=torch.int32)
    t['u8'] = torch.tensor([0, 1, 127, 128, 255], dtype=torch.uint8)
    t['bool'] = torch.tensor([True, False, False, True, True])
    t['scalar'] = torch.tensor(3.5)
    t['empty'] = torch.zeros(0, 3)
    t['param'] = torch.nn.Parameter(torch.linspace(-1, 1, 5))
    # views of one storage: whole, transposed, offset slice, strided slice, expanded (stride 0)
    t['shared_whole'] = base
    t['shared_transposed'] = base.t()
    t['shared_offset_rows'] = base[1:3]
    t['shared_strided'] = base[:, 1::2]
    t['expanded'] = torch.tensor([1.0, 2.0, 3.0]).expand(2, 3)
    return t


def expected(t):
    out = {}
    for k, v in t.items():
        v = v.detach()
        if v.dtype in (torch.float16, torch.bfloat16):
            v = v.float()
        out[k] = v.contiguous().numpy()
    return out


def add_entries(src, dst, extra, rewrite=None):
    """Copies a torch zip, adding entries (torch >= 2.1 layout) and optionally rewriting some."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, 'w', zipfile.ZIP_STORED) as zout:
        names = zin.namelist()
        prefix = names[0].split('/')[0]
        for n in names:
            data = zin.read(n)
            if rewrite:
                data = rewrite(n[len(prefix) + 1:], data)
            zout.writestr(n, data)
        for n, data in extra.items():
            zout.writestr(prefix + '/' + n, data)


def main():
    torch.manual_seed(0)
    t = dtype_tensors()
    torch.save(t, OUT / 'dtypes.pt')
    np.savez(OUT / 'dtypes_expected.npz', **expected(t))
    torch.save(t, OUT / 'dtypes_protocol4.pt', pickle_protocol=4)  # FRAME, MEMOIZE, STACK_GLOBAL opcodes

    # torch >= 2.1 entries: byteorder, .data/serialization_id, .data/version
    add_entries(OUT / 'dtypes.pt', OUT / 'torch2_layout.pt',
                {'byteorder': b'little', '.data/serialization_id': b'1234567890123456789012345678901234567890',
                 '.data/version': b'3\n'})

    # the same written by a big-endian machine: storages byte-swapped, byteorder 'big'
    sizes = {}
    # element size per storage key, from the pickle's persistent ids
    import pickle

    class SizeRecorder(pickle.Unpickler):
        def persistent_load(self, pid):
            _, storage_type, key, _, numel = pid
            sizes[key] = torch.tensor([], dtype=storage_type.dtype).element_size()
            return storage_type(numel)
    with zipfile.ZipFile(OUT / 'dtypes.pt') as z:
        SizeRecorder(io.BytesIO(z.read(z.namelist()[0].split('/')[0] + '/data.pkl'))).load()

    def swap(name, data):
        if name.startswith('data/'):
            size = sizes[name[5:]]
            if size > 1:
                return np.frombuffer(data, dtype='<u%d' % size).byteswap().tobytes()
        return data
    add_entries(OUT / 'dtypes.pt', OUT / 'bigendian.pt', {'byteorder': b'big'}, swap)

    # Lightning-like checkpoint: AttributeDict hyper-parameters with a class reference and a Namespace, EMA,
    # optimizer states, a DDP + torch.compile prefixed state dict
    class AttributeDict(dict):
        pass

    class SpecsDataModule:
        pass
    fake_module('pytorch_lightning.utilities.parsing', AttributeDict=AttributeDict)
    fake_module('mypkg.data', SpecsDataModule=SpecsDataModule)
    w = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    b = torch.tensor([0.5, -0.5])
    state = collections.OrderedDict([('dnn.lin.weight', w), ('dnn.lin.bias', b)])
    state._metadata = collections.OrderedDict([('', {'version': 1}), ('dnn', {'version': 1})])
    hp = AttributeDict(backbone='ncsnpp', nf=8, lr=1e-4, centered=True, sigma=None, ch_mult=(1, 2, 2),
                       attn=[16], nested={'a': {'b': [1, 2.5, 'c']}}, big=2 ** 70, data_module_cls=SpecsDataModule,
                       args=argparse.Namespace(gpus=1, name='run'), blob=b'\x00\xff')
    ckpt = {
        'epoch': 3,
        'global_step': 1200,
        'pytorch-lightning_version': '1.6.5',
        'state_dict': state,
        'optimizer_states': [{'state': {0: {'step': 10, 'exp_avg': torch.full((2, 3), 0.125)}},
                              'param_groups': [{'lr': 1e-4, 'params': [0, 1]}]}],
        'hparams_name': 'kwargs',
        'callbacks': {'ModelCheckpoint': {'best_model_score': np.float64(0.25), 'epochs': np.int64(-7),
                                          'flag': np.bool_(True), 'curve': np.arange(3, dtype=np.float32),
                                          'keyed': {(1, 'a'): 'tuple key'}}},
        'hyper_parameters': hp,
        'ema': {'decay': 0.999, 'num_updates': 1200, 'shadow_params': [w * 2, b * 2], 'collected_params': None},
    }
    torch.save(ckpt, OUT / 'lightning.ckpt')

    wrapped = {'state_dict': collections.OrderedDict([('module._orig_mod.conv.weight', torch.ones(2, 1, 1, 1)),
                                                      ('module._orig_mod.conv.bias', torch.zeros(2))]),
               'iters_start': 5}
    torch.save(wrapped, OUT / 'wrapped.pth')

    torch.save({'x': torch.ones(2)}, OUT / 'legacy.pt', _use_new_zipfile_serialization=False)
    torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), OUT / 'scripted.pt')

    # safetensors, written by hand (format: u64 header length, JSON header, data)
    st = collections.OrderedDict()
    st['a.f32'] = (t['f32'].numpy(), 'F32')
    st['b.f16'] = (t['f16'].numpy(), 'F16')
    st['c.bf16'] = (t['bf16'].view(torch.int16).numpy(), 'BF16')
    st['d.i64'] = (t['i64'].numpy(), 'I64')
    st['e.bool'] = (t['bool'].numpy(), 'BOOL')
    st['f.u8'] = (t['u8'].numpy(), 'U8')
    header = {'__metadata__': {'format': 'pt', 'note': 'restora test'}}
    data = b''
    for k, (arr, dt) in st.items():
        raw = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder('<')).tobytes()
        header[k] = {'dtype': dt, 'shape': list(arr.shape), 'data_offsets': [len(data), len(data) + len(raw)]}
        data += raw
    hb = json.dumps(header).encode()
    hb += b' ' * (-len(hb) % 8)
    (OUT / 'tensors.safetensors').write_bytes(struct.pack('<Q', len(hb)) + hb + data)


if __name__ == '__main__':
    main()
