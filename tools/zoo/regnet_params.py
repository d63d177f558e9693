# Prints torchvision's RegNet stage parameters (depths, widths, group widths, SE ratio) as JSON, for
# packages/symbolic/src/zoo/regnet.ts. Run with Debian's python3-torchvision: /usr/bin/python3 tools/zoo/regnet_params.py
import json
import torchvision.models.regnet as R

out = {}
for name in sorted(n for n in dir(R) if n.startswith('regnet_')):
    captured = {}
    orig = R._regnet

    def grab(block_params, weights, progress, **kw):
        captured['p'] = block_params
        raise StopIteration

    R._regnet = grab
    try:
        getattr(R, name)()
    except StopIteration:
        pass
    finally:
        R._regnet = orig
    p = captured['p']
    out[name] = {'depths': list(p.depths), 'widths': list(p.widths), 'groupWidths': list(p.group_widths),
                 'bottleneck': list(p.bottleneck_multipliers), 'seRatio': p.se_ratio}
print(json.dumps(out))
