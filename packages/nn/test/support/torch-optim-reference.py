# Writes torch-optim-reference.json: the parameters after each of 12 steps of torch.optim's SGD, Adam,
# AdamW and RMSprop, in float64, for a fixed start and a fixed sequence of gradients, under each option
# the nn optimizers share with torch (optimizers-torch.test.ts replays them).
# Run from this folder: python3 torch-optim-reference.py  (torch 2.x; an offline wheel is in /opt/wheels)
import json
import math

import torch

STEPS = 12
START = [0.8, -1.3, 0.05, 2.4, -0.6]


def gradient(step, i):
    # varied signs and sizes, one gradient exactly 0 now and then
    if (step + i) % 7 == 0:
        return 0.0
    return math.sin(0.7 * (step + 1) * (i + 1)) * (1.5 if i % 2 else 0.3)


CASES = [
    # name in nn, torch class, nn options, torch options
    ('SGD', torch.optim.SGD, {'lr': 0.1}, {'lr': 0.1}),
    ('SGD', torch.optim.SGD, {'lr': 0.1, 'momentum': 0.9}, {'lr': 0.1, 'momentum': 0.9}),
    ('SGD', torch.optim.SGD, {'lr': 0.05, 'momentum': 0.8, 'dampening': 0.3, 'weightDecay': 0.01},
     {'lr': 0.05, 'momentum': 0.8, 'dampening': 0.3, 'weight_decay': 0.01}),
    ('SGD', torch.optim.SGD, {'lr': 0.1, 'momentum': 0.9, 'nesterov': True, 'maximize': True},
     {'lr': 0.1, 'momentum': 0.9, 'nesterov': True, 'maximize': True}),
    ('Adam', torch.optim.Adam, {'lr': 0.01}, {'lr': 0.01}),
    ('Adam', torch.optim.Adam, {'lr': 0.02, 'betas': [0.8, 0.95], 'eps': 1e-6, 'weightDecay': 0.01},
     {'lr': 0.02, 'betas': (0.8, 0.95), 'eps': 1e-6, 'weight_decay': 0.01}),
    ('Adam', torch.optim.Adam, {'lr': 0.01, 'amsgrad': True, 'maximize': True},
     {'lr': 0.01, 'amsgrad': True, 'maximize': True}),
    ('AdamW', torch.optim.AdamW, {'lr': 0.01}, {'lr': 0.01}),
    ('AdamW', torch.optim.AdamW, {'lr': 0.03, 'weightDecay': 0.1, 'amsgrad': True},
     {'lr': 0.03, 'weight_decay': 0.1, 'amsgrad': True}),
    ('RMSprop', torch.optim.RMSprop, {'lr': 0.01}, {'lr': 0.01}),
    ('RMSprop', torch.optim.RMSprop, {'lr': 0.01, 'alpha': 0.9, 'momentum': 0.5, 'centered': True},
     {'lr': 0.01, 'alpha': 0.9, 'momentum': 0.5, 'centered': True}),
    ('RMSprop', torch.optim.RMSprop, {'lr': 0.005, 'eps': 1e-6, 'weightDecay': 0.02, 'maximize': True},
     {'lr': 0.005, 'eps': 1e-6, 'weight_decay': 0.02, 'maximize': True}),
]

grads = [[gradient(step, i) for i in range(len(START))] for step in range(STEPS)]
cases = []
for name, cls, nn_options, torch_options in CASES:
    p = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    opt = cls([p], **torch_options)
    after = []
    for step in range(STEPS):
        p.grad = torch.tensor(grads[step], dtype=torch.float64)
        opt.step()
        after.append(p.detach().tolist())
    cases.append({'optimizer': name, 'options': nn_options, 'after': after})

with open('torch-optim-reference.json', 'w') as f:
    json.dump({'torch': torch.__version__, 'start': START, 'grads': grads, 'cases': cases}, f, indent=1)
    f.write('\n')
