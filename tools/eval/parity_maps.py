#!/usr/bin/python3
"""Parity fixtures for @pixpnet/eval's pixel-space maps (spec §2.10b-c), written beside its tests.

Bicubic: torch.nn.functional.interpolate(mode='bicubic', align_corners=False), the reference's upsampling.
Gaussian RF maps: an independent torch implementation of the reference's pixel_space_map, on receptive fields
of convolution stacks computed here in closed form (normal mode with border clipping, and super-RF mode).

    /usr/bin/python3 tools/eval/parity_maps.py   # Debian python3-torch (apt-get install python3-torch)
"""
import json
import math
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'eval', 'src', 'maps', 'fixtures')


def r5(t):
    return [round(float(v), 7) if math.isfinite(float(v)) else None for v in t.flatten().tolist()]


def bicubic_cases():
    g = torch.Generator().manual_seed(0)
    cases = []
    for (n, ih, iw, oh, ow) in [(2, 2, 2, 8, 8), (1, 7, 7, 56, 56), (1, 8, 8, 64, 64), (1, 5, 3, 17, 11), (1, 1, 1, 4, 4), (2, 4, 6, 9, 13)]:
        x = torch.rand(n, ih, iw, generator=g) * 4 - 1
        y = F.interpolate(x[None], size=(oh, ow), mode='bicubic', align_corners=False)[0]
        cases.append({'n': n, 'in': [ih, iw], 'out': [oh, ow], 'x': r5(x), 'y': r5(y)})
    return cases


def conv_stack_boxes(size, layers):
    """Receptive field [start, stop) of each output index of a 1-D stack of (kernel, stride, padding) layers, clipped."""
    j, r, start = 1, 1, 0.0  # jump, size, offset of index 0's field
    n = size
    for k, s, p in layers:
        start = start - p * j
        r = r + (k - 1) * j
        j = j * s
        n = (n + 2 * p - k) // s + 1
    return [(max(0, int(start + i * j)), min(size, int(start + i * j + r))) for i in range(n)]


def py_round(x):
    return round(x)


def crop_offsets(super_mode, s0, s1, rf, size, mid):
    """Kernel rows (or columns) cut from the start and the end so that the crop matches the field [s0, s1) (spec 2.10b step 5)."""
    n = s1 - s0
    if not super_mode:
        if n < rf:
            return (rf - n, 0) if s1 - rf < 0 else (0, rf - n)
        return 0, 0
    a0, a1 = mid - rf // 2, mid + rf // 2
    t, b = max(-a0, 0), max(a1 - size - max(a0, 0), 0)
    if n < size:
        if s0 != 0:
            t += size - n
        else:
            b += size - n
    return t, b


def gaussian_maps(sims, rows, cols, H, W, sigma_factor=1.0):
    P, Hz, Wz = sims.shape
    boxes = [[(rows[h], cols[w]) for w in range(Wz)] for h in range(Hz)]
    rf_h = max(b[0][1] - b[0][0] for r in boxes for b in r)
    rf_w = max(b[1][1] - b[1][0] for r in boxes for b in r)
    mid_h = [py_round((i + 0.5) * H / Hz) for i in range(Hz)]
    mid_w = [py_round((i + 0.5) * W / Wz) for i in range(Wz)]
    super_mode = False
    if rf_h >= H or rf_w >= W:
        big = [(h, w) for h in range(Hz) for w in range(Wz)
               if boxes[h][w][0][1] - boxes[h][w][0][0] >= H or boxes[h][w][1][1] - boxes[h][w][1][0] >= W]
        if len(big) > 1:
            super_mode = True
            pad_h = py_round(max(abs((H - 1) / 2 - mid_h[h]) for h, _ in big))
            pad_w = py_round(max(abs((W - 1) / 2 - mid_w[w]) for _, w in big))
            rf_h += 2 * pad_h
            rf_w += 2 * pad_w
    k = max(rf_h, rf_w)
    sigma = k * sigma_factor
    x = torch.linspace(-(k - 1) / 2, (k - 1) / 2, k, dtype=torch.float64)
    g1 = torch.exp(-x ** 2 / (2 * sigma ** 2))
    kern = torch.outer(g1, g1)
    kern = kern / kern.max()
    mx = torch.zeros(P, H, W, dtype=torch.float64)
    sm = torch.zeros(P, H, W, dtype=torch.float64)
    cnt = torch.zeros(H, W, dtype=torch.float64)
    for h in range(Hz):
        for w in range(Wz):
            (hs0, hs1), (ws0, ws1) = boxes[h][w]
            hsz, wsz = hs1 - hs0, ws1 - ws0
            t, b = crop_offsets(super_mode, hs0, hs1, rf_h, H, mid_h[h])
            l, r = crop_offsets(super_mode, ws0, ws1, rf_w, W, mid_w[w])
            crop = kern[t:k - b, l:k - r]
            assert crop.shape == (hsz, wsz), (crop.shape, hsz, wsz)
            v = sims[:, h, w, None, None].double() * crop[None]
            sm[:, hs0:hs1, ws0:ws1] += v
            cnt[hs0:hs1, ws0:ws1] += 1
            mx[:, hs0:hs1, ws0:ws1] = torch.maximum(mx[:, hs0:hs1, ws0:ws1], v)
    return mx, sm / cnt, sm, super_mode, k


def gaussian_cases():
    g = torch.Generator().manual_seed(1)
    cases = []
    specs = [
        # name, H, layers (1-D, the same for both axes), sigma factor
        ('vgg-like-normal', 32, [(3, 1, 1), (3, 1, 1), (2, 2, 0), (3, 1, 1), (3, 1, 1), (2, 2, 0)], 1.0),
        ('strided-clipped', 24, [(7, 2, 3), (3, 2, 1), (3, 1, 1)], 0.5),
        ('super-rf', 16, [(3, 1, 1), (2, 2, 0), (3, 1, 1), (2, 2, 0), (3, 1, 1), (3, 1, 1), (3, 1, 1)], 1.0),
        ('super-rf-partial', 24, [(3, 1, 1), (2, 2, 0), (3, 1, 1), (2, 2, 0), (3, 1, 1), (3, 1, 1), (3, 1, 1)], 1.0),
    ]
    for name, H, layers, sf in specs:
        rows = conv_stack_boxes(H, layers)
        n = len(rows)
        P = 3
        sims = torch.rand(P, n, n, generator=g) * 3
        mx, avg, sm, sup, k = gaussian_maps(sims, rows, rows, H, H, sf)
        boxes = [[rows[h][0], rows[h][1], rows[w][0], rows[w][1]] for h in range(n) for w in range(n)]
        cases.append({'name': name, 'size': [H, H], 'grid': [n, n], 'sigmaFactor': sf, 'rfBoxes': boxes, 'similarities': r5(sims),
                      'superMode': sup, 'kernelSize': k, 'max': r5(mx), 'avg': r5(avg), 'sum': r5(sm)})
    return cases


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, 'bicubic.json'), 'w') as f:
        json.dump({'generator': 'tools/eval/parity_maps.py', 'torch': torch.__version__, 'cases': bicubic_cases()}, f)
    with open(os.path.join(OUT, 'gaussian.json'), 'w') as f:
        json.dump({'generator': 'tools/eval/parity_maps.py', 'torch': torch.__version__, 'cases': gaussian_cases()}, f)
    print('wrote', OUT)
