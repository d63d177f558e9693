#!/usr/bin/python3
"""PyTorch reference port of PRP (prototypical relevance propagation) for @pixpnet/prp's parity fixtures.

Tiny torchvision-named backbones (ResNet with basic and bottleneck blocks, VGG with batch norm), cut after a named
stage, the `regular` add-on and an l2 or cosine prototype layer, all filled with the fixtures' hash weights; the
rules are `torch.autograd.Function` wrappers whose forward is the layer and whose backward is the rule, so that
relevance is the gradient. Written beside the TypeScript tests as packages/prp/src/fixtures/<name>.json (format and
formulas: the README there).

    /usr/bin/python3 tools/prp/prp_fixtures.py              # Debian python3-torch (apt-get install python3-torch)
    /usr/bin/python3 tools/prp/prp_fixtures.py --check      # + sanity checks (canonisation, conservation, fields)
    /usr/bin/python3 tools/prp/prp_fixtures.py --check-ts   # + parameter names/order and fields from the built TS

Everything runs in float64 on weights and inputs that are float32 values first.
"""
import argparse
import json
import math
import os
import subprocess
import sys
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
OUT = os.path.join(ROOT, 'packages', 'prp', 'src', 'fixtures')
DT = torch.float64

MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
ZB_LOW = min(-m / s for m, s in zip(MEAN, STD))
ZB_HIGH = max((1 - m) / s for m, s in zip(MEAN, STD))
BN_EPS = 1e-5
CONV_STAB = 1e-12  # the conv rule's stabiliser, only where z == 0
EPS_STAB = 1e-6  # ε of z^B, average pool and residual sum: z + ε·sign(z), sign(0) = +1
PROTO_STAB = 1e-12  # of the prototype rule's channel weights


# ---------------------------------------------------------------------------------------------------------------
# the fixtures' hash (the TypeScript side: hash32 / uniform / hashInput / hashStateDict, packages/models/src/fixture_hash.ts)

def hash32(i, s):
    x = (np.asarray(i, dtype=np.uint64) * np.uint64(0x9E3779B1) + np.uint64(s) * np.uint64(0x85EBCA77)) & np.uint64(0xFFFFFFFF)
    x ^= x >> np.uint64(16)
    x = (x * np.uint64(0x7FEB352D)) & np.uint64(0xFFFFFFFF)
    x ^= x >> np.uint64(15)
    x = (x * np.uint64(0x846CA68B)) & np.uint64(0xFFFFFFFF)
    x ^= x >> np.uint64(16)
    return x


def uniform(n, s):
    return hash32(np.arange(n, dtype=np.uint64), s).astype(np.float64) / 4294967296.0 * 2 - 1


def hash_input(shape):
    n = int(np.prod(shape))
    return torch.from_numpy(uniform(n, 1000003).astype(np.float32).reshape(shape))


def hash_tensor(name, shape, j):
    n = int(np.prod(shape))
    u = uniform(n, j)
    if name.endswith('running_var'):
        v = 1 + 0.5 * np.abs(u)
    elif name.endswith('running_mean') or name.endswith('bias'):
        v = 0.1 * u
    elif len(shape) == 1:
        v = 1 + 0.1 * u
    else:
        v = u * math.sqrt(3 / (n / shape[0]))
    return torch.from_numpy(v.astype(np.float32).reshape(shape))


# ---------------------------------------------------------------------------------------------------------------
# the networks (as packages/symbolic/src/zoo: resnet.ts, vgg.ts, narrow.ts; add-on as models' add_on.ts `regular`)

def conv(cin, cout, k, stride=1, padding=0, bias=False, groups=1):
    return nn.Conv2d(cin, cout, k, stride=stride, padding=padding, bias=bias, groups=groups)


class BasicBlock(nn.Module):
    def __init__(self, inplanes, planes, stride, downsample):
        super().__init__()
        self.conv1 = conv(inplanes, planes, 3, stride, 1)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = conv(planes, planes, 3, 1, 1)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (self.downsample(x) if self.downsample is not None else x))


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride, downsample):
        super().__init__()
        width = planes
        self.conv1 = conv(inplanes, width, 1)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = conv(width, width, 3, stride, 1)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = conv(width, planes * 4, 1)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = F.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        return F.relu(y + (self.downsample(x) if self.downsample is not None else x))


class ResNetCut(nn.Module):
    """torchvision ResNet (V1.5) up to and including `layer{stages}`."""

    def __init__(self, block, widths, stem, stages):
        super().__init__()
        self.conv1 = conv(3, stem, 7, 2, 3)
        self.bn1 = nn.BatchNorm2d(stem)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        expansion = 1 if block is BasicBlock else 4
        inplanes = stem
        self.block = block
        for li in range(stages):
            planes, stride = widths[li], (1 if li == 0 else 2)
            ds = None
            if stride != 1 or inplanes != planes * expansion:
                ds = nn.Sequential(conv(inplanes, planes * expansion, 1, stride), nn.BatchNorm2d(planes * expansion))
            setattr(self, f'layer{li + 1}', nn.Sequential(block(inplanes, planes, stride, ds)))
            inplanes = planes * expansion
        self.stages = stages
        self.out_channels = inplanes

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        for li in range(self.stages):
            x = getattr(self, f'layer{li + 1}')(x)
        return x


class VGGCut(nn.Module):
    """torchvision VGG-BN `features` up to and including the `pools`-th max pool."""

    def __init__(self, cfg, pools):
        super().__init__()
        layers, c, k = [], 3, 0
        for v in cfg:
            if v == 'M':
                layers.append(nn.MaxPool2d(2, 2))
                k += 1
                if k == pools:
                    break
            else:
                layers += [nn.Conv2d(c, v, 3, padding=1), nn.BatchNorm2d(v), nn.ReLU()]
                c = v
        self.features = nn.Sequential(*layers)
        self.out_channels = c

    def forward(self, x):
        return self.features(x)


BACKBONES = {
    # name: (constructor of the cut network, feature layer)
    'resnet_nano': (lambda: ResNetCut(BasicBlock, [16, 32, 64, 128], 16, 2), 'layer2'),
    'resnet_nano_bottleneck': (lambda: ResNetCut(Bottleneck, [8, 16, 32, 64], 16, 2), 'layer2'),
    'vgg_nano_bn': (lambda: VGGCut([16, 'M', 32, 'M', 64, 64, 'M', 64, 64, 'M'], 3), 'maxpool3'),
}


class PPNet(nn.Module):
    def __init__(self, backbone, P, D):
        super().__init__()
        self.features = BACKBONES[backbone][0]()
        C = self.features.out_channels
        self.add_on_layers = nn.Sequential(OrderedDict([
            ('conv1', nn.Conv2d(C, D, 1)), ('relu1', nn.ReLU()), ('conv_last', nn.Conv2d(D, D, 1)), ('sigmoid', nn.Sigmoid())]))
        self.prototype_vectors = nn.Parameter(torch.zeros(P, D, 1, 1))

    def state_entries(self):
        """The fixture state dict: backbone (no `num_batches_tracked`), add-on, prototypes, as [name, shape]."""
        out = []
        for k, v in self.features.state_dict().items():
            if not k.endswith('num_batches_tracked'):
                out.append((k, list(v.shape)))
        for k, v in self.add_on_layers.state_dict().items():
            out.append(('add_on_layers.' + k, list(v.shape)))
        out.append(('prototype_vectors', list(self.prototype_vectors.shape)))
        return out

    def fill_hash(self):
        entries = self.state_entries()
        own = dict(self.features.named_parameters())
        own.update(dict(self.features.named_buffers()))
        with torch.no_grad():
            for j, (name, shape) in enumerate(entries):
                t = hash_tensor(name, shape, j)
                if name.startswith('add_on_layers.'):
                    dict(self.add_on_layers.named_parameters())[name[len('add_on_layers.'):]].copy_(t)
                elif name == 'prototype_vectors':
                    self.prototype_vectors.copy_(t)
                else:
                    own[name].copy_(t)
        return entries


# ---------------------------------------------------------------------------------------------------------------
# the rules: forward = the layer, backward = the rule (relevance is the gradient)

RECORD = None  # when a dict: node → per-image sum of the relevance leaving the node's backward (its input's R)


def record(name, r):
    if RECORD is not None and name is not None:
        RECORD.setdefault(name, []).append(r.sum(dim=tuple(range(1, r.dim()))).tolist())


def conv_input_grad(shape, w, g, stride, padding, groups):
    return torch.nn.grad.conv2d_input(shape, w, g, stride=stride, padding=padding, groups=groups)


class ConvRule(torch.autograd.Function):
    """β=0-like: z = conv(x⁺, W⁺) + conv(x⁻, W⁻) (no bias); S = R / z (1e-12 where z = 0);
    R_in = x⁺ ⊙ convT(S, W⁺) + x⁻ ⊙ convT(S, W⁻)."""

    @staticmethod
    def forward(ctx, x, w, b, stride, padding, groups, name):
        ctx.save_for_backward(x, w)
        ctx.cfg = (stride, padding, groups, name)
        return F.conv2d(x, w, b, stride, padding, 1, groups)

    @staticmethod
    def backward(ctx, r):
        x, w = ctx.saved_tensors
        stride, padding, groups, name = ctx.cfg
        xp, xn = x.clamp(min=0), x.clamp(max=0)
        wp, wn = w.clamp(min=0), w.clamp(max=0)
        z = F.conv2d(xp, wp, None, stride, padding, 1, groups) + F.conv2d(xn, wn, None, stride, padding, 1, groups)
        z = torch.where(z == 0, torch.full_like(z, CONV_STAB), z)
        s = r / z
        rin = xp * conv_input_grad(x.shape, wp, s, stride, padding, groups) + xn * conv_input_grad(x.shape, wn, s, stride, padding, groups)
        record(name, rin)
        return rin, None, None, None, None, None, None


def stab(z):
    return z + torch.where(z >= 0, torch.full_like(z, EPS_STAB), torch.full_like(z, -EPS_STAB))


class ZbRule(torch.autograd.Function):
    """z^B for the input conv: z = conv(x, W) − conv(l, W⁺) − conv(h, W⁻) (no bias, zero padding for all three);
    S = R / (z ± 1e-6); R_in = x ⊙ convT(S, W) − l ⊙ convT(S, W⁺) − h ⊙ convT(S, W⁻)."""

    @staticmethod
    def forward(ctx, x, w, b, stride, padding, groups, name):
        ctx.save_for_backward(x, w)
        ctx.cfg = (stride, padding, groups, name)
        return F.conv2d(x, w, b, stride, padding, 1, groups)

    @staticmethod
    def backward(ctx, r):
        x, w = ctx.saved_tensors
        stride, padding, groups, name = ctx.cfg
        lo, hi = torch.full_like(x, ZB_LOW), torch.full_like(x, ZB_HIGH)
        wp, wn = w.clamp(min=0), w.clamp(max=0)
        c = lambda t, k: F.conv2d(t, k, None, stride, padding, 1, groups)
        z = c(x, w) - c(lo, wp) - c(hi, wn)
        s = r / stab(z)
        g = lambda k: conv_input_grad(x.shape, k, s, stride, padding, groups)
        rin = x * g(w) - lo * g(wp) - hi * g(wn)
        record(name, rin)
        return rin, None, None, None, None, None, None


class SumRule(torch.autograd.Function):
    """ε-rule of out = a + b: R_a = a · R / (a + b ± 1e-6), R_b likewise."""

    @staticmethod
    def forward(ctx, a, b, name):
        ctx.save_for_backward(a, b)
        ctx.name = name
        return a + b

    @staticmethod
    def backward(ctx, r):
        a, b = ctx.saved_tensors
        s = r / stab(a + b)
        record(ctx.name, a * s + b * s)
        return a * s, b * s, None


class AvgPoolRule(torch.autograd.Function):
    """ε-rule of an average pool: R_in = x ⊙ ∂(z · R / (z ± 1e-6)) / ∂x (not on the fixtures' paths; kept for completeness)."""

    @staticmethod
    def forward(ctx, x, k, stride, padding, name):
        ctx.save_for_backward(x)
        ctx.cfg = (k, stride, padding, name)
        return F.avg_pool2d(x, k, stride, padding)

    @staticmethod
    def backward(ctx, r):
        (x,) = ctx.saved_tensors
        k, stride, padding, name = ctx.cfg
        with torch.enable_grad():
            xx = x.detach().requires_grad_()
            z = F.avg_pool2d(xx, k, stride, padding)
            (g,) = torch.autograd.grad(z, xx, r / stab(z.detach()))
        rin = x * g
        record(name, rin)
        return rin, None, None, None, None


class PassRule(torch.autograd.Function):
    """ReLU, Sigmoid (and a folded batch norm, which is not even a node here): relevance passes unchanged."""

    @staticmethod
    def forward(ctx, x, fn, name):
        ctx.name = name
        return fn(x)

    @staticmethod
    def backward(ctx, r):
        record(ctx.name, r)
        return r, None, None


def max_pool(x, k, s, p, name):
    """Winner-take-all: the plain gradient of max_pool2d (routes R to each window's maximum)."""
    y = F.max_pool2d(x, k, s, p)
    if y.requires_grad and RECORD is not None:
        x.register_hook(lambda g: record(name, g))
    return y


def cos_parts(z, p):
    zh = z / z.norm(dim=1, keepdim=True).clamp(min=1e-12)
    ph = p / p.norm(dim=1, keepdim=True).clamp(min=1e-12)
    return zh, ph


def distances(z, p, kind):
    """d[n, p, h, w]; z: [N, D, H, W], p: [P, D]."""
    if kind == 'l2':
        return ((z[:, None] - p[None, :, :, None, None]) ** 2).sum(2)
    zh, ph = cos_parts(z, p)
    return 1 - torch.einsum('ndhw,pd->nphw', zh, ph).clamp(-1, 1)


def similarity(d, eps):
    """The TypeScript ProtoNet's `log` activation: ln(1 / (d + ε) + 1)."""
    return torch.log(1 / (d + eps) + 1)


class ProtoRule(torch.autograd.Function):
    """Similarity map; backward: R_z[n, c, h, w] = Σ_p R_sim[n, p, h, w] · w_pc / Σ_c' w_pc', with
    l2: w_c = 1 / ((z_c − p_c)⁴ + 1e-12), cosine: w_c = 1 / ((1 − ẑ_c p̂_c)² + 1e-12)."""

    @staticmethod
    def forward(ctx, z, p, kind, eps):
        ctx.save_for_backward(z, p)
        ctx.kind = kind
        return similarity(distances(z, p, kind), eps)

    @staticmethod
    def backward(ctx, r):
        z, p = ctx.saved_tensors
        if ctx.kind == 'l2':
            w = 1 / (((z[:, None] - p[None, :, :, None, None]) ** 2) ** 2 + PROTO_STAB)  # [N, P, D, H, W]
        else:
            zh, ph = cos_parts(z, p)
            w = 1 / ((1 - zh[:, None] * ph[None, :, :, None, None]) ** 2 + PROTO_STAB)
        rz = (r[:, :, None] * w / w.sum(2, keepdim=True)).sum(1)
        record('prototypes', rz)
        return rz, None, None, None


# ---------------------------------------------------------------------------------------------------------------
# canonisation (batch norm folded into the conv before it) and the rule-wrapped forward

def fold(conv_m, bn):
    w = conv_m.weight.detach().to(DT)
    b = conv_m.bias.detach().to(DT) if conv_m.bias is not None else torch.zeros(w.shape[0], dtype=DT)
    if bn is None:
        return w, b
    scale = bn.weight.detach().to(DT) / torch.sqrt(bn.running_var.detach().to(DT) + BN_EPS)
    return w * scale[:, None, None, None], (b - bn.running_mean.detach().to(DT)) * scale + bn.bias.detach().to(DT)


class Canonised:
    """The network with every batch norm folded; `forward(x, rules)` runs plain ops (rules=None) or rule wrappers
    (rules = 'zb' | 'legacy': the input conv's rule)."""

    def __init__(self, net, kind, eps):
        self.net, self.kind, self.eps = net, kind, eps
        f = net.features
        self.ops = []  # (type, name, params)
        if isinstance(f, ResNetCut):
            self.ops.append(('conv', 'conv1', fold(f.conv1, f.bn1) + ((2, 2), (3, 3), 1)))
            self.ops.append(('relu', 'relu', None))
            self.ops.append(('maxpool', 'maxpool', (3, 2, 1)))
            for li in range(f.stages):
                blk = getattr(f, f'layer{li + 1}')[0]
                p = f'layer{li + 1}.0'
                convs = [(blk.conv1, blk.bn1), (blk.conv2, blk.bn2)] + ([(blk.conv3, blk.bn3)] if isinstance(blk, Bottleneck) else [])
                body = []
                for ci, (cm, bn) in enumerate(convs):
                    body.append(('conv', f'{p}.conv{ci + 1}', fold(cm, bn) + (cm.stride, cm.padding, cm.groups)))
                    if ci < len(convs) - 1:
                        body.append(('relu', f'{p}.relu' + ('' if ci == 0 else f'_{ci}'), None))
                ds = None
                if blk.downsample is not None:
                    cm, bn = blk.downsample[0], blk.downsample[1]
                    ds = ('conv', f'{p}.downsample.0', fold(cm, bn) + (cm.stride, cm.padding, cm.groups))
                self.ops.append(('block', p, (body, ds)))
        else:
            mods = list(f.features)
            i = 0
            while i < len(mods):
                m = mods[i]
                if isinstance(m, nn.Conv2d):
                    bn = mods[i + 1] if i + 1 < len(mods) and isinstance(mods[i + 1], nn.BatchNorm2d) else None
                    self.ops.append(('conv', f'features.{i}', fold(m, bn) + (m.stride, m.padding, m.groups)))
                    i += 2 if bn is not None else 1
                    continue
                if isinstance(m, nn.ReLU):
                    self.ops.append(('relu', f'features.{i}', None))
                elif isinstance(m, nn.MaxPool2d):
                    self.ops.append(('maxpool', f'features.{i}', (m.kernel_size, m.stride, m.padding)))
                i += 1
        a = net.add_on_layers
        self.add_on = [('conv', 'add_on_layers.conv1', fold(a.conv1, None) + ((1, 1), (0, 0), 1)), ('relu', 'add_on_layers.relu1', None),
                       ('conv', 'add_on_layers.conv_last', fold(a.conv_last, None) + ((1, 1), (0, 0), 1)), ('sigmoid', 'add_on_layers.sigmoid', None)]
        self.protos = net.prototype_vectors.detach().to(DT)[:, :, 0, 0]

    def _op(self, op, x, rules, first):
        t, name, prm = op
        if t == 'conv':
            w, b, stride, padding, groups = prm
            if rules is None:
                return F.conv2d(x, w, b, stride, padding, 1, groups)
            rule = ZbRule if (first and rules == 'zb') else ConvRule
            return rule.apply(x, w, b, stride, padding, groups, name)
        if t in ('relu', 'sigmoid'):
            fn = F.relu if t == 'relu' else torch.sigmoid
            return fn(x) if rules is None else PassRule.apply(x, fn, name)
        if t == 'maxpool':
            return max_pool(x, *prm, name) if rules is not None else F.max_pool2d(x, *prm)
        if t == 'block':
            body, ds = prm
            y = x
            for o in body:
                y = self._op(o, y, rules, False)
            sc = self._op(ds, x, rules, False) if ds is not None else x
            if rules is None:
                s = y + sc
            else:
                s = SumRule.apply(y, sc, f'{name}.add')
            return self._op(('relu', f'{name}.relu_out', None), s, rules, False)
        raise ValueError(t)

    def backbone(self, x, rules=None):
        for k, op in enumerate(self.ops):
            x = self._op(op, x, rules, k == 0)
        return x

    def features(self, x, rules=None):
        return self.add_on_forward(self.backbone(x, rules), rules)

    def add_on_forward(self, f, rules=None):
        for op in self.add_on:
            f = self._op(op, f, rules, False)
        return f

    def sims(self, z, rules=None):
        if rules is None:
            return similarity(distances(z, self.protos, self.kind), self.eps)
        return ProtoRule.apply(z, self.protos, self.kind, self.eps)

    def prp(self, x, protos, rules, cumulative=False):
        """Per requested prototype a fresh backward: input relevance summed over RGB, [N, H, W] each; with
        `cumulative`, map k is the sum of the fresh maps 0..k (the reference's accumulation)."""
        global RECORD
        maps, sums, layer_sums = [], [], []
        with torch.no_grad():
            sim0 = self.sims(self.features(x))
        N, P, Hz, Wz = sim0.shape
        idx = sim0.reshape(N, P, -1).argmax(-1)  # torch: the first maximum
        acc = None
        for p in protos:
            RECORD = {}
            xx = x.detach().clone().requires_grad_()
            f = self.backbone(xx, rules)
            f.register_hook(lambda g: record('backbone_out', g))
            z = self.add_on_forward(f, rules)
            s = self.sims(z, rules)
            r = torch.zeros_like(s)
            for n in range(N):
                r[n, p, idx[n, p] // Wz, idx[n, p] % Wz] = 1
            (g,) = torch.autograd.grad(s, xx, r)
            m = g.sum(1)
            acc = m if acc is None else (acc + m if cumulative else m)
            maps.append(acc.clone())
            layer_sums.append(RECORD)
            RECORD = None
        return maps, layer_sums, sim0, idx


# ---------------------------------------------------------------------------------------------------------------
# fixtures

def r7(v):
    v = float(v)
    return float(f'{v:.7g}') if math.isfinite(v) else None


def rl(t):
    return [r7(v) for v in t.flatten().tolist()]


CASES = [
    # name, backbone, distance, input rule, legacyCumulative, prototypes
    ('resnet_nano_l2_zb', 'resnet_nano', 'l2', 'zb', False, [0, 3]),
    ('resnet_nano_cosine_zb', 'resnet_nano', 'cosine', 'zb', False, [0, 3]),
    ('resnet_nano_bottleneck_l2_zb', 'resnet_nano_bottleneck', 'l2', 'zb', False, [0, 3]),
    ('resnet_nano_bottleneck_cosine_zb', 'resnet_nano_bottleneck', 'cosine', 'zb', False, [0, 3]),
    ('vgg_nano_bn_l2_zb', 'vgg_nano_bn', 'l2', 'zb', False, [0, 3]),
    ('vgg_nano_bn_cosine_zb', 'vgg_nano_bn', 'cosine', 'zb', False, [0, 3]),
    ('resnet_nano_l2_legacy', 'resnet_nano', 'l2', 'legacy', False, [0, 3]),
    ('vgg_nano_bn_cosine_legacy', 'vgg_nano_bn', 'cosine', 'legacy', False, [0, 3]),
    ('resnet_nano_bottleneck_l2_zb_cumulative', 'resnet_nano_bottleneck', 'l2', 'zb', True, [0, 1, 3]),
]

N, H, W, P, D, NUM_CLASSES, EPS = 2, 32, 32, 4, 8, 2, 1e-4


def build(backbone, distance):
    torch.manual_seed(0)
    net = PPNet(backbone, P, D).eval()
    entries = net.fill_hash()
    x32 = hash_input((N, 3, H, W))
    return net, entries, x32, Canonised(net, distance, EPS)


def make_case(name, backbone, distance, rule, cumulative, protos):
    net, entries, x32, can = build(backbone, distance)
    x = x32.to(DT)
    maps, layer_sums, sim, idx = can.prp(x, protos, rule, cumulative)
    with torch.no_grad():
        z = can.features(x)
    Hz, Wz = sim.shape[2:]
    flat = sim.reshape(N, P, -1)
    top2 = flat.topk(2, dim=-1).values
    sums = []
    for n in range(N):
        row = []
        for k, p in enumerate(protos):
            ls = layer_sums[k]
            row.append({'latent': r7(ls['prototypes'][0][n]), 'backboneOut': r7(ls['backbone_out'][0][n]), 'map': r7(maps[k][n].sum())})
        sums.append(row)
    if cumulative:  # the TS reports fresh per-layer sums only; cumulative latent/backbone sums accumulate like the maps
        for n in range(N):
            for k in range(1, len(protos)):
                sums[n][k]['latent'] = r7(sums[n][k]['latent'] + sums[n][k - 1]['latent'])
                sums[n][k]['backboneOut'] = r7(sums[n][k]['backboneOut'] + sums[n][k - 1]['backboneOut'])
    layers = [[{k: r7(v[0][n]) for k, v in ls.items()} for ls in layer_sums] for n in range(N)]
    desc = (f'{backbone} cut after {BACKBONES[backbone][1]}, regular add-on (D={D}), {P} {distance} prototypes with the log activation; '
            f'PRP maps with the {"z^B" if rule == "zb" else "legacy (conv-rule)"} input rule'
            + (', accumulated across prototypes (legacyCumulative)' if cumulative else ', a fresh relevance per prototype'))
    return {
        'generator': 'tools/prp/prp_fixtures.py', 'torch': torch.__version__, 'description': desc,
        'model': {'backbone': backbone, 'featureLayer': BACKBONES[backbone][1], 'inputSize': [H, W], 'addOnType': 'regular',
                  'prototypeDim': D, 'numPrototypes': P, 'numClasses': NUM_CLASSES, 'distance': distance, 'activation': 'log', 'epsilon': EPS},
        'inputRule': rule, 'legacyCumulative': cumulative,
        'stateDict': [[k, s] for k, s in entries],
        'input': [N, 3, H, W], 'latentGrid': [int(Hz), int(Wz)],
        'latent': {'sum': [r7(z[n].sum()) for n in range(N)], 'absmax': [r7(z[n].abs().max()) for n in range(N)]},
        'similarities': [rl(sim[n]) for n in range(N)],
        'prototypes': protos,
        'maxSimilarities': [rl(flat[n].max(-1).values) for n in range(N)],
        'argmax': [[int(v) for v in idx[n]] for n in range(N)],
        'argmaxGap': [[r7(top2[n, p, 0] - top2[n, p, 1]) for p in range(P)] for n in range(N)],
        'maps': [[rl(maps[k][n]) for k in range(len(protos))] for n in range(N)],
        'relevanceSums': sums,
        'layerSums': layers,
    }


# ---------------------------------------------------------------------------------------------------------------
# sanity checks

def check_case(backbone, distance, rule, fields=None):
    net, entries, x32, can = build(backbone, distance)
    x = x32.to(DT)
    out = {}
    # (a) canonisation keeps the forward (the original modules in float64 vs the folded ops)
    net64 = net.to(DT)
    with torch.no_grad():
        ref = net64.add_on_layers(net64.features(x))
        fol = can.features(x)
        ref_b, fol_b = net64.features(x), can.backbone(x)
    out['canon_backbone_maxabs'] = float((ref_b - fol_b).abs().max())
    out['canon_latent_maxabs'] = float((ref - fol).abs().max())
    net.float()
    with torch.no_grad():  # the float32 modules against the folded float64 ops
        out['canon_f32_backbone_maxabs'] = float((net.features(x32).to(DT) - fol_b).abs().max())
        out['canon_f32_latent_maxabs'] = float((net.add_on_layers(net.features(x32)).to(DT) - fol).abs().max())
    # (b) conservation: per-layer relevance sums for the first prototype, image 0
    maps, layer_sums, sim, idx = can.prp(x, [0], rule)
    out['layer_sums_img0_p0'] = {k: v[0][0] for k, v in layer_sums[0].items()}
    # (c) the map is zero outside the argmax cell's receptive field
    Hz, Wz = sim.shape[2:]
    viol = []
    for n in range(N):
        m = maps[0][n]
        nz = (m != 0).nonzero()
        i, j = int(idx[n, 0]) // Wz, int(idx[n, 0]) % Wz
        box = [int(nz[:, 0].min()), int(nz[:, 0].max()) + 1, int(nz[:, 1].min()), int(nz[:, 1].max()) + 1]
        rec = {'cell': [i, j], 'nonzero_box': box, 'nonzero': int(len(nz))}
        if fields is not None:
            r0, r1 = fields['rows'][i]
            c0, c1 = fields['cols'][j]
            rec['field'] = [r0, r1, c0, c1]
            rec['inside'] = box[0] >= r0 and box[1] <= r1 and box[2] >= c0 and box[3] <= c1
        viol.append(rec)
    out['fields'] = viol
    return out, entries


def float32_agreement(case):
    """The same case run entirely in float32: max abs error over max abs value of each map against float64 (what the
    TypeScript port, in float32, can hope for), and whether the argmax cells agree."""
    global DT
    name, backbone, distance, rule, cumulative, protos = case
    res = {}
    for dt in (torch.float64, torch.float32):
        DT = dt
        net, entries, x32, can = build(backbone, distance)
        res[dt] = can.prp(x32.to(dt), protos, rule, cumulative)
    DT = torch.float64
    m64, m32 = res[torch.float64][0], res[torch.float32][0]
    rel = max(float((a.double() - b.double())[n].abs().max() / a[n].abs().max()) for a, b in zip(m64, m32) for n in range(N))
    return rel, bool((res[torch.float64][3] == res[torch.float32][3]).all())


def conservation_chain():
    """A pure conv-rule chain on non-negative inputs: Σ R_in = Σ R_out per layer (no z = 0)."""
    g = torch.Generator().manual_seed(0)
    x = torch.rand(1, 4, 9, 9, generator=g, dtype=DT) + 0.1
    w1 = torch.randn(6, 4, 3, 3, generator=g, dtype=DT).abs()
    w2 = torch.randn(5, 6, 3, 3, generator=g, dtype=DT)
    global RECORD
    RECORD = {}
    xx = x.clone().requires_grad_()
    y = PassRule.apply(ConvRule.apply(xx, w1, None, (1, 1), (1, 1), 1, 'c1'), F.relu, 'r1')
    y = ConvRule.apply(y, w2, None, (2, 2), (1, 1), 1, 'c2')
    r = torch.rand(y.shape, generator=g, dtype=DT)
    (gx,) = torch.autograd.grad(y, xx, r)
    res = {'R_out': float(r.sum()), **{k: v[0][0] for k, v in RECORD.items()}, 'R_x': float(gx.sum())}
    RECORD = None
    return res


def ts_specs_and_fields(entries_by_backbone):
    """From the built TypeScript: Backbone.specs, the cut layer's exact fields, hashInput and hashStateDict."""
    script = (
        "const m=await import('@pixpnet/models'); const t=await import('@pixpnet/models/testing');"
        "const s=await import('@pixpnet/symbolic'); const o={}; const E=" + json.dumps(entries_by_backbone) + ";"
        "for (const [n,c] of " + json.dumps([[b, BACKBONES[b][1]] for b in BACKBONES]) + ") {"
        " const g=s.zooModel(n); const bb=new m.Backbone(g,{cut:c});"
        " const l=s.computeReceptiveFields(g,{height:" + str(H) + ",width:" + str(W) + ",layers:[c]}).layers[c];"
        " const d=t.hashStateDict(E[n].map(([k,sh])=>[k,sh,'float32']));"
        " o[n]={specs:bb.specs.map(x=>[x.name,x.torchShape]),rows:l.rows,cols:l.cols,product:l.product,"
        "  sums:E[n].map(([k])=>Array.from(d.get(k).data).reduce((a,b)=>a+b,0))};}"
        "o.input=Array.from(t.hashInput(" + str(N * 3 * H * W) + "));"
        "process.stdout.write(JSON.stringify(o));")
    res = subprocess.run(['node', '--input-type=module', '-e', script], cwd=os.path.join(ROOT, 'packages', 'prp'),
                         capture_output=True, text=True)
    if res.returncode:
        sys.exit(res.stderr)
    return json.loads(res.stdout)


def run_checks(with_ts):
    ts = None
    if with_ts:
        entries = {b: build(b, 'l2')[1] for b in BACKBONES}
        ts = ts_specs_and_fields({b: [[k, s] for k, s in e] for b, e in entries.items()})
        diff = (torch.tensor(ts['input'], dtype=DT) - hash_input((N * 3 * H * W,)).to(DT)).abs().max()
        print('hash input vs TS hashInput, max abs diff:', float(diff))
        for b, e in entries.items():
            bb = [[k, s] for k, s in e if not k.startswith('add_on_layers.') and k != 'prototype_vectors']
            print(f'{b}: backbone entries equal to TS Backbone.specs (names, shapes, order):', bb == ts[b]['specs'])
            ours = [float(hash_tensor(k, s, j).to(DT).sum()) for j, (k, s) in enumerate(e)]
            worst = max(abs(a - c) / max(1.0, abs(c)) for a, c in zip(ours, ts[b]['sums']))
            print(f'{b}: per-entry sums of the hash weights vs TS hashStateDict, worst relative diff: {worst:.2g}')
    print('conv-rule chain conservation:', json.dumps(conservation_chain()))
    for backbone in BACKBONES:
        for distance, rule in [('l2', 'zb'), ('cosine', 'zb'), ('l2', 'legacy')]:
            res, _ = check_case(backbone, distance, rule, ts[backbone] if ts else None)
            print(f'{backbone} {distance} {rule}:', json.dumps(res))
    for case in CASES:
        rel, same = float32_agreement(case)
        print(f'{case[0]}: float32 vs float64 maps, worst max-abs-error/max-abs: {rel:.2g}; same argmax cells: {same}')


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--check', action='store_true', help='sanity checks before writing')
    ap.add_argument('--check-ts', action='store_true', help='also compare with the built TypeScript packages (node)')
    ap.add_argument('--no-write', action='store_true')
    a = ap.parse_args()
    torch.set_num_threads(1)
    if a.check or a.check_ts:
        run_checks(a.check_ts)
    if a.no_write:
        sys.exit(0)
    os.makedirs(OUT, exist_ok=True)
    for case in CASES:
        fx = make_case(*case)
        path = os.path.join(OUT, case[0] + '.json')
        with open(path, 'w') as f:
            json.dump(fx, f, separators=(',', ':'))
            f.write('\n')
        gaps = [g for row in fx['argmaxGap'] for k, g in enumerate(row) if k in fx['prototypes']]
        print(f'wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes), min argmax gap {min(gaps):.3g}')
