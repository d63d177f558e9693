# The benchmark network of engine_net.mjs in PyTorch (Debian's python3-torch, run with /usr/bin/python3).
# usage: engine_torch.py <size> <batch> <steps> <threads> [net]  -> prints one JSON line {trainMs, inferMs, torch}
import json, statistics, sys, time
import torch, torch.nn as nn, torch.nn.functional as F

size, B, steps, threads = (int(a) for a in sys.argv[1:5])
net_name = sys.argv[5] if len(sys.argv) > 5 else 'vgg6'
torch.set_num_threads(threads)
torch.manual_seed(0)
cfg = {
    'vgg6': [32, 32, 'M', 64, 64, 'M', 128, 128, 'M'],
    'vgg11_bn': [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
    'vgg16_bn': [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
}[net_name]
layers, c = [], 3
for v in cfg:
    if v == 'M':
        layers.append(nn.MaxPool2d(2))
    else:
        layers += [nn.Conv2d(c, v, 3, padding=1, bias=False), nn.BatchNorm2d(v), nn.ReLU()]
        c = v

class Net(nn.Module):
    def __init__(s):
        super().__init__()
        s.f = nn.Sequential(*layers, nn.Conv2d(c, 128, 1), nn.Sigmoid())
        s.p = nn.Parameter(torch.rand(200, 128))
        s.h = nn.Linear(200, 20, bias=False)

    def forward(s, x):
        f = F.normalize(s.f(x), dim=1)
        p = F.normalize(s.p, dim=1)
        cos = torch.einsum('bchw,mc->bmhw', f, p).flatten(2).max(2).values
        d = 1 - cos
        return s.h(torch.log((d + 1) / (d + 1e-4)))

net = Net()
opt = torch.optim.Adam(net.parameters(), 1e-3)
x = torch.randn(B, 3, size, size)
y = torch.randint(0, 20, (B,))

def train():
    opt.zero_grad()
    F.cross_entropy(net(x), y).backward()
    opt.step()

def infer():
    net.eval()
    with torch.no_grad():
        net(x)
    net.train()

out = {'torch': torch.__version__}
for name, fn in [('infer', infer), ('train', train)]:
    fn()
    ts = []
    for _ in range(steps):
        t = time.perf_counter(); fn(); ts.append((time.perf_counter() - t) * 1e3)
    out[name + 'Ms'] = statistics.median(ts)
print(json.dumps(out))
