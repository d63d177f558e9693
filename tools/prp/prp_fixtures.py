#!/usr/bin/python3
"""Reference fixtures for @pixpnet/prp (prototypical relevance propagation), written beside its tests.

An independent PyTorch port of the PRP rules (torch.autograd.Function wrappers whose forward is the layer's
normal output and whose backward is the relevance rule), on hand-written torchvision-style copies of the narrow
zoo backbones `resnet_nano`, `resnet_nano_bottleneck` (cut after `layer2`) and `vgg_nano_bn` (cut after
`maxpool3`) with the `regular` add-on and a prototype layer. Weights and inputs come from the fixtures' integer
hash (the one of `packages/models/src/fixture_hash.ts`), so the fixtures hold no weights, only the state dict's
names and shapes in the order the hash fills them. Rules and JSON format: packages/prp/src/fixtures/README.md.

    /usr/bin/python3 tools/prp/prp_fixtures.py            # Debian python3-torch (apt-get install python3-torch)
    /usr/bin/python3 tools/prp/prp_fixtures.py --check    # the sanity checks only, nothing written
    /usr/bin/python3 tools/prp/prp_fixtures.py --verbose  # + every rule's Σ R_out → Σ R_in

Everything runs in float64, on weights and inputs that are float32 values first.
"""
import copy
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.environ.get('PRP_FIXTURES_OUT') or os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'packages', 'prp', 'src', 'fixtures')

EPSILON = 1e-4  # of the prototype activation: sim = ln(1 / (d + ε) + 1), as @pixpnet/models' ProtoNet computes it
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
ZB_LOW = min(-m / s for m, s in zip(MEAN, STD))
ZB_HIGH = max((1 - m) / s for m, s in zip(MEAN, STD))
D, P, NUM_CLASSES, N, SIZE = 8, 4, 2, 2, 32
PROTOTYPES = [0, 3]


# ---------------------------------------------------------------------------------------------------- the hash
def hash32(i, s):
    """`hash32` of the fixtures' hash on numpy uint64 arrays (the low 32 bits kept after every step)."""
    m = np.uint64(0xFFFFFFFF)
    x = (i * np.uint64(0x9E3779B1) + np.uint64(s) * np.uint64(0x85EBCA77)) & m
    x = x ^ (x >> np.uint64(16))
    x = (x * np.uint64(0x7FEB352D)) & m
    x = x ^ (x >> np.uint64(15))
    x = (x * np.uint64(0x846CA68B)) & m
    x = x ^ (x >> np.uint64(16))
    return x


def uniform(n, s):
    """`uniform(i, s)` for i = 0..n-1, in float64."""
    return hash32(np.arange(n, dtype=np.uint64), s).astype(np.float64) / 4294967296.0 * 2 - 1


def hash_tensor(name, shape, j):
    """Entry j of the state dict, as float32 values."""
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


def hash_input(shape):
    return torch.from_numpy(uniform(int(np.prod(shape)), 1000003).astype(np.float32).reshape(shape))


# ------------------------------------------------------------------------------------------ plain torch models
class Add(nn.Module):
    """The residual sum as a module, so that canonisation can swap in its rule."""

    def forward(self, a, b):
        return a + b


def conv_bn(cin, cout, k, stride=1, padding=0):
    return nn.Conv2d(cin, cout, k, stride, padding, bias=False), nn.BatchNorm2d(cout)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, cin, planes, stride):
        super().__init__()
        self.conv1, self.bn1 = conv_bn(cin, planes, 3, stride, 1)
        self.relu = nn.ReLU()
        self.conv2, self.bn2 = conv_bn(planes, planes, 3, 1, 1)
        self.add = Add()
        self.relu_out = nn.ReLU()
        self.downsample = nn.Sequential(*conv_bn(cin, planes, 1, stride)) if stride != 1 or cin != planes else None

    def forward(self, x):
        y = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
        s = self.downsample(x) if self.downsample is not None else x
        return self.relu_out(self.add(y, s))


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin, planes, stride):
        super().__init__()
        out = planes * 4
        self.conv1, self.bn1 = conv_bn(cin, planes, 1)
        self.relu = nn.ReLU()
        self.conv2, self.bn2 = conv_bn(planes, planes, 3, stride, 1)
        self.relu_1 = nn.ReLU()
        self.conv3, self.bn3 = conv_bn(planes, out, 1)
        self.add = Add()
        self.relu_out = nn.ReLU()
        self.downsample = nn.Sequential(*conv_bn(cin, out, 1, stride)) if stride != 1 or cin != out else None

    def forward(self, x):
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.relu_1(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        s = self.downsample(x) if self.downsample is not None else x
        return self.relu_out(self.add(y, s))


class ResNetCut(nn.Module):
    """torchvision's ResNet (V1.5: stride on the 3×3) with one block per stage, cut after `layer2`."""

    def __init__(self, block, widths, stem):
        super().__init__()
        self.conv1, self.bn1 = conv_bn(3, stem, 7, 2, 3)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = nn.Sequential(block(stem, widths[0], 1))
        self.layer2 = nn.Sequential(block(widths[0] * block.expansion, widths[1], 2))
        self.out_channels = widths[1] * block.expansion

    def forward(self, x):
        return self.layer2(self.layer1(self.maxpool(self.relu(self.bn1(self.conv1(x))))))


class VGGCut(nn.Module):
    """torchvision's VGG-BN `features` for [16, M, 32, M, 64, 64, M, 64, 64, M], cut after `maxpool3` (features.14)."""

    def __init__(self):
        super().__init__()
        layers, c = [], 3
        for v in [16, 'M', 32, 'M', 64, 64, 'M']:
            if v == 'M':
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers += [nn.Conv2d(c, v, 3, padding=1), nn.BatchNorm2d(v), nn.ReLU()]
                c = v
        self.features = nn.Sequential(*layers)
        self.out_channels = c

    def forward(self, x):
        return self.features(x)


class AddOn(nn.Module):
    """The `regular` add-on: conv1 (1×1, bias) → ReLU → conv_last (1×1, bias) → Sigmoid."""

    def __init__(self, cin, dim):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, dim, 1)
        self.relu1 = nn.ReLU()
        self.conv_last = nn.Conv2d(dim, dim, 1)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x):
        return self.sigmoid(self.conv_last(self.relu1(self.conv1(x))))


def log_activation(d):
    """The `log` activation of @pixpnet/models' ProtoNet, ln(1 / (d + ε) + 1) (the reference ProtoPNet's ln((d + 1) / (d + ε))
    differs by about ε / (d + 1); the maps do not depend on it, only the similarity values)."""
    return torch.log(1 / (d + EPSILON) + 1)


def l2_distances(z, p):
    """d[n, p, h, w] = Σ_c (z_c − p_c)², exactly; z [N, D, H, W], p [P, D, 1, 1]."""
    return ((z[:, None] - p[None]) ** 2).sum(2)


def unit(t):
    return t / t.norm(dim=1, keepdim=True).clamp(min=1e-12)


def cosine_distances(z, p):
    return 1 - (unit(z)[:, None] * unit(p)[None]).sum(2)


class Prototypes(nn.Module):
    def __init__(self, distance):
        super().__init__()
        self.distance = distance
        self.prototype_vectors = nn.Parameter(torch.zeros(P, D, 1, 1))

    def forward(self, z):
        return log_activation((l2_distances if self.distance == 'l2' else cosine_distances)(z, self.prototype_vectors))


BACKBONES = {
    'resnet_nano': (lambda: ResNetCut(BasicBlock, [16, 32], 16), 'layer2'),
    'resnet_nano_bottleneck': (lambda: ResNetCut(Bottleneck, [8, 16], 16), 'layer2'),
    'vgg_nano_bn': (VGGCut, 'maxpool3'),
}


class Net(nn.Module):
    """backbone → add_on_layers → similarity maps [N, P, Hz, Wz]; forward returns (backbone out, add-on out, maps)."""

    def __init__(self, backbone, distance):
        super().__init__()
        self.backbone = BACKBONES[backbone][0]()
        self.add_on_layers = AddOn(self.backbone.out_channels, D)
        self.prototype_layer = Prototypes(distance)

    def entries(self):
        """(name, tensor) in the fixture's state-dict order (num_batches_tracked not listed, as in Backbone.specs)."""
        out = [(k, v) for k, v in self.backbone.state_dict(keep_vars=True).items() if not k.endswith('num_batches_tracked')]
        out += [('add_on_layers.' + k, v) for k, v in self.add_on_layers.state_dict(keep_vars=True).items()]
        out.append(('prototype_vectors', self.prototype_layer.prototype_vectors))
        return out

    def fill(self):
        with torch.no_grad():
            for j, (name, t) in enumerate(self.entries()):
                t.copy_(hash_tensor(name, list(t.shape), j))
        return self

    def forward(self, x):
        f = self.backbone(x)
        z = self.add_on_layers(f)
        return f, z, self.prototype_layer(z)


# ------------------------------------------------------------------------------------------------------ rules
TRACE = []  # (layer, Σ R_out, Σ R_in, #cells with z = 0 and R ≠ 0) per rule application


def stabilise(z, e=1e-6):
    """z + e where z ≥ 0, z − e where z < 0."""
    return torch.where(z >= 0, z + e, z - e)


class _ConvForward(torch.autograd.Function):
    """The convolution itself; subclasses give the backward pass (the rule)."""

    @staticmethod
    def forward(ctx, x, w, b, conf, name):
        ctx.save_for_backward(x, w)
        ctx.conf, ctx.name = conf, name
        return F.conv2d(x, w, b, *conf)


class ConvRule(_ConvForward):
    """z = conv(x⁺, W⁺) + conv(x⁻, W⁻) (no bias), S = R / z (1e-12 where z = 0), R_in = x⁺ ⊙ convT(S, W⁺) + x⁻ ⊙ convT(S, W⁻)."""

    @staticmethod
    def backward(ctx, r):
        x, w = ctx.saved_tensors
        conf = ctx.conf
        xp, xn, wp, wn = x.clamp(min=0), x.clamp(max=0), w.clamp(min=0), w.clamp(max=0)
        z = F.conv2d(xp, wp, None, *conf) + F.conv2d(xn, wn, None, *conf)
        s = r / torch.where(z == 0, torch.full_like(z, 1e-12), z)
        ct = lambda k: torch.nn.grad.conv2d_input(x.shape, k, s, *conf)  # noqa: E731  convT(S, k)
        rin = xp * ct(wp) + xn * ct(wn)
        TRACE.append((ctx.name, r.sum().item(), rin.sum().item(), int(((z == 0) & (r != 0)).sum())))
        return rin, None, None, None, None


class ZBRule(_ConvForward):
    """z^B: z = conv(x, W) − conv(l, W⁺) − conv(h, W⁻) (no bias), S = R / stabilise(z), R_in = x ⊙ convT(S, W) − l ⊙ convT(S, W⁺) − h ⊙ convT(S, W⁻)."""

    @staticmethod
    def backward(ctx, r):
        x, w = ctx.saved_tensors
        conf = ctx.conf
        wp, wn = w.clamp(min=0), w.clamp(max=0)
        lo, hi = torch.full_like(x, ZB_LOW), torch.full_like(x, ZB_HIGH)
        z = F.conv2d(x, w, None, *conf) - F.conv2d(lo, wp, None, *conf) - F.conv2d(hi, wn, None, *conf)
        s = r / stabilise(z)
        ct = lambda k: torch.nn.grad.conv2d_input(x.shape, k, s, *conf)  # noqa: E731
        rin = x * ct(w) - lo * ct(wp) - hi * ct(wn)
        TRACE.append((ctx.name, r.sum().item(), rin.sum().item(), 0))
        return rin, None, None, None, None


class SumRule(torch.autograd.Function):
    """ε-rule of the residual sum: R_a = a · R / z_s, R_b = b · R / z_s, z_s = stabilise(a + b)."""

    @staticmethod
    def forward(ctx, a, b, name):
        ctx.save_for_backward(a, b)
        ctx.name = name
        return a + b

    @staticmethod
    def backward(ctx, r):
        a, b = ctx.saved_tensors
        s = r / stabilise(a + b)
        TRACE.append((ctx.name, r.sum().item(), (a * s + b * s).sum().item(), 0))
        return a * s, b * s, None


class PassRule(torch.autograd.Function):
    """ReLU / Sigmoid: the normal output forward, relevance passed unchanged."""

    @staticmethod
    def forward(ctx, x, fn):
        return fn(x)

    @staticmethod
    def backward(ctx, r):
        return r, None


class PrototypeRule(torch.autograd.Function):
    """Similarity maps forward; backward R_z[n, c, h, w] = Σ_p R_sim[n, p, h, w] · w_pc / Σ_c' w_pc'."""

    @staticmethod
    def forward(ctx, z, p, distance):
        ctx.save_for_backward(z, p)
        ctx.distance = distance
        return log_activation((l2_distances if distance == 'l2' else cosine_distances)(z, p))

    @staticmethod
    def backward(ctx, r):
        z, p = ctx.saved_tensors
        if ctx.distance == 'l2':
            w = 1 / (((z[:, None] - p[None]) ** 2) ** 2 + 1e-12)  # [N, P, D, H, W]
        else:
            w = 1 / ((1 - unit(z)[:, None] * unit(p)[None]) ** 2 + 1e-12)
        rz = (r[:, :, None] * w / w.sum(2, keepdim=True)).sum(1)
        TRACE.append(('prototypes', r.sum().item(), rz.sum().item(), 0))
        return rz, None, None


class RuleConv(nn.Module):
    def __init__(self, conv, weight, bias, rule, name):
        super().__init__()
        self.weight, self.bias, self.rule, self.name = weight, bias, rule, name
        self.conf = (conv.stride, conv.padding, conv.dilation, conv.groups)

    def forward(self, x):
        return (ZBRule if self.rule == 'zb' else ConvRule).apply(x, self.weight, self.bias, self.conf, self.name)


class RuleSum(nn.Module):
    def __init__(self, name):
        super().__init__()
        self.name = name

    def forward(self, a, b):
        return SumRule.apply(a, b, self.name)


class RulePass(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return PassRule.apply(x, self.fn)


class RulePrototypes(nn.Module):
    def __init__(self, proto):
        super().__init__()
        self.distance, self.p = proto.distance, proto.prototype_vectors.detach()

    def forward(self, z):
        return PrototypeRule.apply(z, self.p, self.distance)


def canonise(net, input_rule, dtype=torch.float64):
    """A rule-wrapped copy of `net` (which is left untouched): every BN folded into the conv before it, every op wrapped.

    A BatchNorm2d registered right after a Conv2d in the same parent is folded into it: in these models, written
    in dataflow order, those are exactly the conv → BN pairs; a BN anywhere else is an error."""
    net = copy.deepcopy(net).to(dtype)
    first = [True]

    def visit(mod, prefix):
        kids = list(mod.named_children())
        for k, (name, child) in enumerate(kids):
            full = prefix + name
            if isinstance(child, nn.Conv2d):
                w = child.weight.detach().clone()
                b = child.bias.detach().clone() if child.bias is not None else torch.zeros(w.shape[0], dtype=dtype)
                nxt = kids[k + 1][1] if k + 1 < len(kids) else None
                if isinstance(nxt, nn.BatchNorm2d):
                    scale = nxt.weight.detach() / torch.sqrt(nxt.running_var + nxt.eps)
                    w = w * scale[:, None, None, None]
                    b = (b - nxt.running_mean) * scale + nxt.bias.detach()
                    setattr(mod, kids[k + 1][0], nn.Identity())
                rule = 'zb' if first[0] and input_rule == 'zb' else 'conv'
                first[0] = False
                setattr(mod, name, RuleConv(child, w, b, rule, full))
            elif isinstance(child, nn.BatchNorm2d):
                if not isinstance(getattr(mod, name), nn.Identity):
                    raise ValueError(f'{full}: a batch norm that does not follow a conv has no rule here')
            elif isinstance(child, nn.ReLU):
                setattr(mod, name, RulePass(F.relu))
            elif isinstance(child, nn.Sigmoid):
                setattr(mod, name, RulePass(torch.sigmoid))
            elif isinstance(child, Add):
                setattr(mod, name, RuleSum(full))
            elif isinstance(child, nn.MaxPool2d):
                pass  # winner-take-all: max_pool2d's own gradient routing
            elif isinstance(child, Prototypes):
                setattr(mod, name, RulePrototypes(child))
            else:
                visit(child, full + '.')

    visit(net, '')
    return net


# ------------------------------------------------------------------------------------------------------- maps
def prp(net, x, input_rule, prototypes, dtype=torch.float64):
    """Fresh maps of `prototypes`: max_sim [N, P], argmax [N, P], maps [N, K, H, W], sums [N, K, 3], traces, (f, z, sim)."""
    cnet = canonise(net, input_rule, dtype)
    x = x.to(dtype).clone().requires_grad_(True)
    f, z, sim = cnet(x)
    n, p, hz, wz = sim.shape
    flat = sim.detach().reshape(n, p, hz * wz)
    max_sim, argmax = flat.max(2)
    assert torch.equal(argmax, flat.argmax(2))
    maps, sums, traces = [], [], []
    for q in prototypes:
        seed = torch.zeros(n, p, hz * wz, dtype=dtype)
        seed[torch.arange(n), q, argmax[:, q]] = 1  # the global max pool's winner-take-all
        TRACE.clear()
        rx, rf, rz = torch.autograd.grad(sim, [x, f, z], seed.reshape(sim.shape), retain_graph=True)
        traces.append(list(TRACE))
        m = rx.sum(1)
        maps.append(m)
        sums.append(torch.stack([m.sum((1, 2)), rf.sum((1, 2, 3)), rz.sum((1, 2, 3))], 1))
    return max_sim, argmax, torch.stack(maps, 1), torch.stack(sums, 1), traces, (f, z, sim)


def receptive_box(net, h, w):
    """[r0, r1, c0, c1) of latent cell (h, w) by brute force: ones weights, no BN/ReLU, average instead of max pools."""
    s = copy.deepcopy(net.backbone).double()
    for mod in list(s.modules()):
        for name, child in list(mod.named_children()):
            if isinstance(child, nn.Conv2d):
                with torch.no_grad():
                    child.weight.fill_(1)
                    if child.bias is not None:
                        child.bias.zero_()
            elif isinstance(child, (nn.BatchNorm2d, nn.ReLU)):
                setattr(mod, name, nn.Identity())
            elif isinstance(child, nn.MaxPool2d):
                setattr(mod, name, nn.AvgPool2d(child.kernel_size, child.stride, child.padding))
    x = torch.ones(1, 3, SIZE, SIZE, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(s(x)[0, :, h, w].sum(), [x])
    nz = (g[0].sum(0) > 0).nonzero()
    return [int(nz[:, 0].min()), int(nz[:, 0].max()) + 1, int(nz[:, 1].min()), int(nz[:, 1].max()) + 1]


# ----------------------------------------------------------------------------------------------------- output
def g7(v):
    v = float(v)
    return float(f'{v:.7g}') if math.isfinite(v) else None


def g7list(t):
    return [g7(v) for v in t.flatten().tolist()]


CASES = [
    # backbone, distance, input rule, legacy cumulative; file: <backbone>_<distance>_<rule>[_cumulative].json
    ('resnet_nano', 'l2', 'zb', False),
    ('resnet_nano', 'cosine', 'zb', False),
    ('resnet_nano', 'l2', 'legacy', False),
    ('resnet_nano_bottleneck', 'l2', 'zb', False),
    ('resnet_nano_bottleneck', 'cosine', 'zb', False),
    ('vgg_nano_bn', 'l2', 'zb', False),
    ('vgg_nano_bn', 'cosine', 'zb', False),
    ('vgg_nano_bn', 'cosine', 'legacy', False),  # the legacy rule on an input conv with a (folded) bias
    ('resnet_nano_bottleneck', 'l2', 'zb', True),  # prototypes CUMULATIVE_PROTOTYPES: a sum of three maps
]
CUMULATIVE_PROTOTYPES = [0, 1, 3]


def case_name(backbone, distance, rule, cumulative):
    return f'{backbone}_{distance}_{rule}' + ('_cumulative' if cumulative else '')


def run_case(backbone, distance, input_rule, cumulative):
    """The fixture's content and the sanity-check numbers of one case."""
    protos = CUMULATIVE_PROTOTYPES if cumulative else PROTOTYPES
    net = Net(backbone, distance).eval().fill()
    x = hash_input([N, 3, SIZE, SIZE])
    ms, am, maps, sums, traces, (f, z, sim) = prp(net, x, input_rule, protos)
    with torch.no_grad():
        ref = copy.deepcopy(net).double()(x.double())
    # (a) canonisation: the BN-folded, rule-wrapped copy computes the plain model's forward
    fwd = max((a - b).abs().max().item() for a, b in zip(ref, (f, z, sim)))
    # float32 sensitivity: the same port in float32 against float64
    _, am32, maps32, _, _, _ = prp(net, x, input_rule, protos, dtype=torch.float32)
    rel32 = ((maps32.double() - maps).abs().max() / maps.abs().max()).item()
    top2 = sim.detach().reshape(N, P, -1).topk(2, dim=2).values
    margins = top2[..., 0] - top2[..., 1]
    margin = margins.min().item()
    # (c) each map's support inside the field of its argmax cell
    wz = sim.shape[3]
    fields, inside, tight = [], True, True
    for n in range(N):
        row = []
        for k, q in enumerate(protos):
            a = int(am[n, q])
            box = receptive_box(net, a // wz, a % wz)
            row.append(box)
            nz = (maps[n, k] != 0).nonzero()
            bb = [int(nz[:, 0].min()), int(nz[:, 0].max()) + 1, int(nz[:, 1].min()), int(nz[:, 1].max()) + 1]
            inside &= bb[0] >= box[0] and bb[1] <= box[1] and bb[2] >= box[2] and bb[3] <= box[3]
            tight &= bb == box
        fields.append(row)
    # (b) conservation of every rule application (all prototypes' backwards)
    worst = max(abs(ro - ri) / max(abs(ro), 1e-30) for tr in traces for (_, ro, ri, c) in tr if c == 0)
    zero_z = sum(c for tr in traces for (_, _, _, c) in tr)
    pv = net.prototype_layer.prototype_vectors.detach().double()
    gaps = [(z.detach()[n, :, int(am[n, q]) // wz, int(am[n, q]) % wz] - pv[q, :, 0, 0]).abs().min().item()
            for n in range(N) for q in protos]
    stats = {'forwardMaxAbsDiff': fwd, 'argmaxSame32': bool(torch.equal(am, am32)), 'float32RelErr': rel32,
             'argmaxMargin': margin, 'fieldsContain': inside, 'fieldsTight': tight, 'conservationWorstRel': worst,
             'zeroZWithRelevance': zero_z, 'minAbsZminusP': min(gaps), 'sums': sums.tolist(), 'trace': traces[0]}
    if cumulative:
        maps, sums = maps.cumsum(1), sums.cumsum(1)
    cut = BACKBONES[backbone][1]
    rule_text = 'z^B input rule' if input_rule == 'zb' else 'legacy input rule (the conv rule on pixels)'
    fixture = {
        'description': f'PRP maps of {backbone} cut after {cut}, regular add-on, {distance} prototypes, {rule_text}, '
                       + ('cumulative over the requested prototypes (legacyCumulative)' if cumulative else 'each prototype from a fresh relevance'),
        'generator': 'tools/prp/prp_fixtures.py',
        'torch': torch.__version__,
        'model': {'backbone': backbone, 'featureLayer': cut, 'inputSize': [SIZE, SIZE], 'addOnType': 'regular',
                  'prototypeDim': D, 'numPrototypes': P, 'numClasses': NUM_CLASSES, 'distance': distance,
                  'activation': 'log', 'epsilon': EPSILON},
        'inputRule': input_rule,
        'legacyCumulative': cumulative,
        'stateDict': [[k, list(v.shape)] for k, v in net.entries()],
        'input': [N, 3, SIZE, SIZE],
        'latentGrid': list(sim.shape[2:]),
        'prototypes': protos,
        'similarities': [g7list(img) for img in sim.detach()],
        'maxSimilarities': [g7list(r) for r in ms],
        'argmax': am.tolist(),
        'argmaxMargins': [g7list(r) for r in margins],
        'fields': fields,
        'maps': [[g7list(m) for m in img] for img in maps],
        'relevanceSums': [[{'map': g7(s[0]), 'backboneOut': g7(s[1]), 'latent': g7(s[2])} for s in img] for img in sums],
    }
    return fixture, stats


if __name__ == '__main__':
    torch.set_num_threads(2)
    out = {}
    for backbone, distance, rule, cumulative in CASES:
        name = case_name(backbone, distance, rule, cumulative)
        fx, r = run_case(backbone, distance, rule, cumulative)
        out[name] = fx
        print(f"{name}: forward diff {r['forwardMaxAbsDiff']:.1e}, float32 rel err {r['float32RelErr']:.1e} (same argmax {r['argmaxSame32']}), "
              f"argmax margin {r['argmaxMargin']:.3g}, fields: contain {r['fieldsContain']} tight {r['fieldsTight']}, "
              f"worst conservation of a rule without z=0 cells {r['conservationWorstRel']:.1e}, z=0 cells carrying R {r['zeroZWithRelevance']}, "
              f"min |z_c - p_c| {r['minAbsZminusP']:.3g}")
        print('   Σ (input, backbone, latent):', [[[round(v, 6) for v in s] for s in img] for img in r['sums']])
        if '--verbose' in sys.argv:
            for t in r['trace']:
                print(f'      {t[0]:<28} {t[1]: .9f} -> {t[2]: .9f}' + (f'  ({t[3]} cells z=0, R!=0)' if t[3] else ''))
    if '--check' not in sys.argv:
        os.makedirs(OUT, exist_ok=True)
        for name, fx in out.items():
            with open(os.path.join(OUT, name + '.json'), 'w') as fh:
                json.dump(fx, fh, separators=(',', ':'))
        print('wrote', os.path.normpath(OUT))
