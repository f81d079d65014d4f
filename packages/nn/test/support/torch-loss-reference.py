# Writes torch-loss-reference.json: torch 2.13's losses in float64 (binary_cross_entropy,
# binary_cross_entropy_with_logits, mse_loss, cross_entropy) and their gradients, at inputs that
# include the edges (probabilities 0 and 1 and past the -100 clamp, logits of ±40 and ±1000), for
# losses-torch.test.ts. Run from this folder: python3 torch-loss-reference.py  (torch 2.x; an offline
# wheel is in /opt/wheels)
import json
import math

import torch
import torch.nn.functional as F


def elementwise(name, fn, x, t, reduction):
    xs = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    ts = torch.tensor(t, dtype=torch.float64, requires_grad=True)
    value = fn(xs, ts, reduction=reduction)
    value.backward()
    return {'name': name, 'reduction': reduction, 'input': x, 'target': t, 'value': value.item(),
            'grad': xs.grad.tolist(), 'targetGrad': ts.grad.tolist()}


P = [0.0, 1e-300, 1e-50, 1e-13, 0.3, 0.5, 0.9, 1 - 1e-13, 1.0]
PT = [1.0, 1.0, 0.0, 0.25, 0.6, 0.5, 1.0, 0.0, 0.0]
Z = [-1000.0, -40.0, -20.0, -1.5, 0.0, 0.7, 20.0, 40.0, 1000.0]
ZT = [1.0, 0.0, 0.0, 0.3, 0.3, 1.0, 1.0, 1.0, 0.0]
LOGITS = [[2.0, -1.0, 0.5], [1000.0, -1000.0, 0.0], [-3.0, 40.0, 39.5], [0.1, 0.2, 0.3]]
LABELS = [0, 1, 2, 1]

cases = []
for reduction in ['mean', 'sum']:
    cases.append(elementwise('binaryCrossEntropy', F.binary_cross_entropy, P, PT, reduction))
    cases.append(elementwise('bceWithLogits', F.binary_cross_entropy_with_logits, Z, ZT, reduction))
    cases.append(elementwise('mseLoss', F.mse_loss, Z[2:7], ZT[2:7], reduction))
    x = torch.tensor(LOGITS, dtype=torch.float64, requires_grad=True)
    value = F.cross_entropy(x, torch.tensor(LABELS), reduction=reduction)
    value.backward()
    cases.append({'name': 'crossEntropy', 'reduction': reduction, 'input': LOGITS, 'target': LABELS,
                  'value': value.item(), 'grad': x.grad.tolist(), 'targetGrad': None})

def plain(x):
    # JSON has no Infinity or NaN: they are written as strings, which the test reads back
    if isinstance(x, float) and not math.isfinite(x):
        return 'NaN' if math.isnan(x) else ('Infinity' if x > 0 else '-Infinity')
    if isinstance(x, list):
        return [plain(v) for v in x]
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    return x


with open('torch-loss-reference.json', 'w') as f:
    json.dump(plain({'torch': torch.__version__, 'cases': cases}), f, indent=1, allow_nan=False)
    f.write('\n')
