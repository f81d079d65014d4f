# Writes elementwise-reference.json: every elementwise op's value at fixed inputs, computed with mpmath
# at 200 bits and rounded once to the nearest double, for elementwise-values.test.ts.
# Run from this folder: python3 elementwise-reference.py  (mpmath 1.x)
import json
import mpmath as mp

mp.mp.prec = 200

ANY = [-3.7, -1.25, -0.3, 0.05, 0.8, 2.5, 7.1]
SMALL = [-2.9, -1.25, -0.3, 0.05, 0.8, 2.5]
POSITIVE = [0.01, 0.3, 1.0, 2.2, 9.5, 123.4]
UNIT = [-0.99, -0.5, -0.1, 0.2, 0.7, 0.95]
ABOVE_MINUS_ONE = [-0.9, -0.25, 1e-10, 0.4, 3.0, 50.0]
TRIG = [-3.0, -1.1, -0.2, 0.3, 1.4, 2.9]

def sigmoid(x):
    return 1 / (1 + mp.exp(-x))

K = mp.sqrt(2) * (2 / mp.sqrt(mp.pi)) * mp.mpf('0.5')
KAPPA = mp.mpf(0.044715)

UNARY = {
    # name: (method args, inputs, function)
    'neg': ([], ANY, lambda x: -x),
    'reciprocal': ([], ANY, lambda x: 1 / x),
    'abs': ([], ANY, abs),
    'sign': ([], ANY, mp.sign),
    'square': ([], ANY, lambda x: x * x),
    'sqrt': ([], POSITIVE, mp.sqrt),
    'rsqrt': ([], POSITIVE, lambda x: 1 / mp.sqrt(x)),
    'clamp': ([-1, 2], ANY, lambda x: min(max(x, -1), 2)),
    'exp': ([], ANY, mp.exp),
    'expm1': ([], ANY + [1e-12], mp.expm1),
    'log': ([], POSITIVE, mp.log),
    'log1p': ([], ABOVE_MINUS_ONE, mp.log1p),
    'log2': ([], POSITIVE, lambda x: mp.log(x, 2)),
    'log10': ([], POSITIVE, mp.log10),
    'sin': ([], TRIG, mp.sin),
    'cos': ([], TRIG, mp.cos),
    'tan': ([], TRIG, mp.tan),
    'asin': ([], UNIT, mp.asin),
    'acos': ([], UNIT, mp.acos),
    'atan': ([], ANY, mp.atan),
    'sinh': ([], ANY, mp.sinh),
    'cosh': ([], ANY, mp.cosh),
    'tanh': ([], ANY, mp.tanh),
    'relu': ([], ANY, lambda x: max(x, 0)),
    'leakyRelu': ([], ANY, lambda x: x if x > 0 else x * mp.mpf(0.01)),
    'elu': ([0.5], ANY, lambda x: x if x > 0 else mp.mpf(0.5) * mp.expm1(x)),
    'softplus': ([], ANY + [25.0], lambda x: x if x > 20 else mp.log1p(mp.exp(x))),
    'silu': ([], ANY, lambda x: x * sigmoid(x)),
    'gelu': ([], SMALL, lambda x: x * (1 + mp.erf(x / mp.sqrt(2))) / 2),
    'erf': ([], ANY + [1e-20, 0.9, 1.1, 3.0, 5.9], mp.erf),
}
UNARY_VARIANTS = {
    'gelu': ([{'approximate': 'tanh'}], SMALL, lambda x: x * (1 + mp.tanh(K * (x + KAPPA * x**3))) / 2),
    'leakyRelu': ([0.2], ANY, lambda x: x if x > 0 else x * mp.mpf(0.2)),
    'softplus': ([2, 10], ANY, lambda x: x if 2 * x > 10 else mp.log1p(mp.exp(2 * x)) / 2),
    'clamp': ([None, 0.5], ANY, lambda x: min(x, mp.mpf(0.5))),
}
PAIRS = [(-3.7, 1.25), (-0.3, -2.5), (0.05, 0.8), (2.5, -0.3), (7.1, 3.3)]
TIES = [(0.8, 0.8), (-2.5, -2.5), (0.0, -0.0)]
POSITIVE_PAIRS = [(0.3, -1.25), (1.7, 0.5), (2.2, 3.0), (9.5, -0.3)]
BINARY = {
    'add': ([], PAIRS, lambda a, b: a + b),
    'sub': ([], PAIRS, lambda a, b: a - b),
    'mul': ([], PAIRS, lambda a, b: a * b),
    'div': ([], PAIRS, lambda a, b: a / b),
    'pow': ([], POSITIVE_PAIRS, lambda a, b: a**b),
    'maximum': ([], PAIRS, max),
    'minimum': ([], PAIRS, min),
    'atan2': ([], PAIRS, mp.atan2),
    'lt': ([], PAIRS + TIES, lambda a, b: 1 if a < b else 0),
    'le': ([], PAIRS + TIES, lambda a, b: 1 if a <= b else 0),
    'gt': ([], PAIRS + TIES, lambda a, b: 1 if a > b else 0),
    'ge': ([], PAIRS + TIES, lambda a, b: 1 if a >= b else 0),
    'eq': ([], PAIRS + TIES, lambda a, b: 1 if a == b else 0),
    'ne': ([], PAIRS + TIES, lambda a, b: 1 if a != b else 0),
}

def rounded(v):
    return float(v)

cases = []
for table in (UNARY, UNARY_VARIANTS):
    for name, (args, inputs, f) in table.items():
        cases.append({'op': name, 'args': args, 'points': [[x, rounded(f(mp.mpf(x)))] for x in inputs]})
for name, (args, pairs, f) in BINARY.items():
    cases.append({'op': name, 'args': args, 'points': [[a, b, rounded(f(mp.mpf(a), mp.mpf(b)))] for a, b in pairs]})

with open('elementwise-reference.json', 'w') as out:
    json.dump(cases, out, indent=1)
    out.write('\n')
