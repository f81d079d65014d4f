import { type Value, value } from '@chainrule/engine';
import { Adam, AdamW, type Optimizer, RMSprop, SGD, StateDictError } from '@chainrule/nn';
import { describe, expect, test } from 'vitest';
import { arrayChangingOnReread, arrayWithGetter } from './support/changing-array.js';
import { expectBitIdentical, expectClose } from './support/close.js';

/** f(θ) = θ², so g = 2θ: runs `steps` optimizer steps from θ = 1 and returns θ after each. */
function trajectory(make: (w: Value) => Optimizer, steps: number, start = 1): number[] {
  const w = value(start);
  const opt = make(w);
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    w.mul(w).backward();
    opt.step();
    out.push(w.data);
  }
  return out;
}

function expectTrajectory(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  for (const [i, a] of actual.entries()) expectClose(a, expected[i]!);
}

/** A tensor-shaped parameter without the Tensor class: what the optimizers actually need. */
function fakeTensor(data: number[]) {
  return {
    data: Float64Array.from(data),
    grad: null as { data: Float64Array } | null,
    zeroGrad() {
      this.grad = null;
    },
  };
}

describe('SGD', () => {
  test('plain steps are θ - lr·g', () => {
    // θ1 = 1 - 0.1·2 = 0.8, θ2 = 0.8 - 0.1·1.6 = 0.64, θ3 = 0.512
    expectTrajectory(
      trajectory((w) => new SGD([w], { lr: 0.1 }), 3),
      [0.8, 0.64, 0.512],
    );
  });

  test('momentum starts its buffer at the first gradient', () => {
    // b1 = 2, θ1 = 0.8; b2 = 0.9·2 + 1.6 = 3.4, θ2 = 0.46; b3 = 0.9·3.4 + 0.92 = 3.98, θ3 = 0.062
    expectTrajectory(
      trajectory((w) => new SGD([w], { lr: 0.1, momentum: 0.9 }), 3),
      [0.8, 0.46, 0.062],
    );
  });

  test('dampening scales the gradient after the first step only', () => {
    // b1 = 2, θ1 = 0.8; b2 = 0.9·2 + 0.5·1.6 = 2.6, θ2 = 0.54
    expectTrajectory(
      trajectory((w) => new SGD([w], { lr: 0.1, momentum: 0.9, dampening: 0.5 }), 2),
      [0.8, 0.54],
    );
  });

  test('Nesterov steps along g + μ·b', () => {
    // b1 = 2, step 2 + 0.9·2 = 3.8, θ1 = 0.62; g2 = 1.24, b2 = 1.8 + 1.24 = 3.04,
    // step 1.24 + 0.9·3.04 = 3.976, θ2 = 0.2224
    expectTrajectory(
      trajectory((w) => new SGD([w], { lr: 0.1, momentum: 0.9, nesterov: true }), 2),
      [0.62, 0.2224],
    );
  });

  test('weight decay adds λθ to the gradient', () => {
    // g = 2θ + 0.1θ = 2.1θ: θ1 = 1 - 0.21 = 0.79, θ2 = 0.79² = 0.6241
    expectTrajectory(
      trajectory((w) => new SGD([w], { lr: 0.1, weightDecay: 0.1 }), 2),
      [0.79, 0.6241],
    );
  });

  test('weight decay enters the momentum buffer', () => {
    // b1 = 2.1, θ1 = 0.79; g2 = 2.1·0.79 = 1.659, b2 = 0.9·2.1 + 1.659 = 3.549, θ2 = 0.4351
    expectTrajectory(
      trajectory((w) => new SGD([w], { lr: 0.1, momentum: 0.9, weightDecay: 0.1 }), 2),
      [0.79, 0.4351],
    );
  });

  test('maximize ascends', () => {
    expectTrajectory(
      trajectory((w) => new SGD([w], { lr: 0.1, maximize: true }), 2),
      [1.2, 1.44],
    );
  });

  test("uses PyTorch's defaults", () => {
    const opt = new SGD([value(1)]);
    expect([opt.lr, opt.momentum, opt.dampening, opt.weightDecay, opt.nesterov]).toEqual([
      1e-3,
      0,
      0,
      0,
      false,
    ]);
  });

  test('refuses Nesterov without momentum, naming the values', () => {
    expect(() => new SGD([value(1)], { lr: 0.1, nesterov: true })).toThrow(
      'SGD: Nesterov momentum needs momentum > 0 and dampening 0, got momentum 0 and dampening 0',
    );
  });

  test('updates tensor parameters element by element and skips a null gradient', () => {
    const a = fakeTensor([1, -2]);
    const b = fakeTensor([5]);
    const opt = new SGD([a, b], { lr: 0.5 });
    a.grad = { data: Float64Array.from([0.5, 1]) };
    opt.step();
    expect(Array.from(a.data)).toEqual([0.75, -2.5]);
    expect(Array.from(b.data)).toEqual([5]);
    expect(opt.stateDict().params).toEqual([{ step: 1 }, null]);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
  });
});

describe('Adam', () => {
  /** Adam written the textbook way, m̂ / (√v̂ + ε), for f = θ² (plus optional L2 or decoupled decay). */
  function adamByHand(steps: number, lr: number, wd = 0, decoupled = false): number[] {
    const [b1, b2, eps] = [0.9, 0.999, 1e-8];
    let [theta, m, v] = [1, 0, 0];
    const out: number[] = [];
    for (let t = 1; t <= steps; t++) {
      let g = 2 * theta;
      if (decoupled) theta *= 1 - lr * wd;
      else g += wd * theta;
      m = b1 * m + (1 - b1) * g;
      v = b2 * v + (1 - b2) * g * g;
      const mHat = m / (1 - b1 ** t);
      const vHat = v / (1 - b2 ** t);
      theta -= (lr * mHat) / (Math.sqrt(vHat) + eps);
      out.push(theta);
    }
    return out;
  }

  test('the first step moves by lr, whatever the gradient', () => {
    // m̂1 = g, v̂1 = g², so θ1 = 1 - 0.1·2 / (2 + 1e-8)
    const [theta1] = trajectory((w) => new Adam([w], { lr: 0.1 }), 1);
    expectClose(theta1!, 1 - 0.2 / (2 + 1e-8));
  });

  test('bias-corrected steps follow the textbook formulas', () => {
    expectTrajectory(
      trajectory((w) => new Adam([w], { lr: 0.1 }), 5),
      adamByHand(5, 0.1),
    );
  });

  test('weight decay is L2 in the gradient', () => {
    expectTrajectory(
      trajectory((w) => new Adam([w], { lr: 0.1, weightDecay: 0.5 }), 5),
      adamByHand(5, 0.1, 0.5),
    );
  });

  test('AdamW decays the weight itself, decoupled from the moments', () => {
    expectTrajectory(
      trajectory((w) => new AdamW([w], { lr: 0.1, weightDecay: 0.5 }), 5),
      adamByHand(5, 0.1, 0.5, true),
    );
    // θ1 = 1·(1 - 0.05) - 0.1·2/(2 + 1e-8)
    expectClose(
      trajectory((w) => new AdamW([w], { lr: 0.1, weightDecay: 0.5 }), 1)[0]!,
      0.95 - 0.2 / (2 + 1e-8),
    );
  });

  test("uses PyTorch's defaults, AdamW with weight decay 0.01", () => {
    const adam = new Adam([value(1)]);
    expect([adam.lr, adam.beta1, adam.beta2, adam.eps, adam.weightDecay]).toEqual([
      1e-3, 0.9, 0.999, 1e-8, 0,
    ]);
    expect(new AdamW([value(1)]).weightDecay).toBe(0.01);
  });

  test('AMSGrad divides by the largest second moment seen', () => {
    // a gradient that shrinks: v falls, the running max does not
    const w = value(0);
    const opt = new Adam([w], { lr: 0.1, amsgrad: true });
    const grads = [4, 1];
    let [m, v, vMax, theta] = [0, 0, 0, 0];
    grads.forEach((g, i) => {
      const t = i + 1;
      w.grad = g;
      opt.step();
      m = 0.9 * m + 0.1 * g;
      v = 0.999 * v + 0.001 * g * g;
      vMax = Math.max(vMax, v);
      theta -= (0.1 * (m / (1 - 0.9 ** t))) / (Math.sqrt(vMax / (1 - 0.999 ** t)) + 1e-8);
      expectClose(w.data, theta);
    });
  });

  test('refuses betas outside [0, 1)', () => {
    expect(() => new Adam([value(1)], { betas: [0.9, 1] })).toThrow('Adam: beta2 must be in [0, 1), got 1');
  });
});

describe('RMSprop', () => {
  test('divides by the root mean square', () => {
    // s1 = 0.01·4 = 0.04, θ1 = 1 - 0.01·2/(0.2 + 1e-8);  g2 = 2θ1, s2 = 0.99·0.04 + 0.01·g2²
    const theta1 = 1 - 0.02 / (0.2 + 1e-8);
    const g2 = 2 * theta1;
    const s2 = 0.99 * 0.04 + 0.01 * g2 * g2;
    const theta2 = theta1 - (0.01 * g2) / (Math.sqrt(s2) + 1e-8);
    expectTrajectory(
      trajectory((w) => new RMSprop([w]), 2),
      [theta1, theta2],
    );
  });

  test('momentum accumulates g / (√s + ε)', () => {
    // b1 = g1/(√s1 + ε) = 2/(0.2 + ε), θ1 = 1 - 0.01·b1; b2 = 0.5·b1 + g2/(√s2 + ε)
    const b1 = 2 / (0.2 + 1e-8);
    const theta1 = 1 - 0.01 * b1;
    const g2 = 2 * theta1;
    const s2 = 0.99 * 0.04 + 0.01 * g2 * g2;
    const b2 = 0.5 * b1 + g2 / (Math.sqrt(s2) + 1e-8);
    expectTrajectory(
      trajectory((w) => new RMSprop([w], { momentum: 0.5 }), 2),
      [theta1, theta1 - 0.01 * b2],
    );
  });

  test('centered subtracts the squared mean gradient, and weight decay adds λθ', () => {
    // g1 = 2 + 0.1 = 2.1; s1 = 0.01·4.41; a1 = 0.01·2.1; d1 = √(s1 - a1²) + ε
    const g1 = 2.1;
    const s1 = 0.01 * g1 * g1;
    const a1 = 0.01 * g1;
    const theta1 = 1 - (0.01 * g1) / (Math.sqrt(s1 - a1 * a1) + 1e-8);
    expectTrajectory(
      trajectory((w) => new RMSprop([w], { centered: true, weightDecay: 0.1 }), 1),
      [theta1],
    );
  });
});

describe('learning rate', () => {
  test('a schedule is asked at the step count, one step at a time', () => {
    const seen: number[] = [];
    const w = value(1);
    const opt = new SGD([w], {
      lr: (step) => {
        seen.push(step);
        return 0.1 / (step + 1);
      },
    });
    for (let i = 0; i < 3; i++) {
      opt.zeroGrad();
      w.mul(w).backward();
      opt.step();
    }
    expect(seen).toEqual([0, 1, 2]);
    // θ1 = 1 - 0.1·2 = 0.8; θ2 = 0.8 - 0.05·1.6 = 0.72; θ3 = 0.72 - (0.1/3)·1.44 = 0.672
    expectClose(w.data, 0.672);
  });

  test('a schedule that returns NaN is refused at the step it happened', () => {
    const opt = new SGD([value(1)], { lr: (step) => (step === 0 ? 0.1 : Number.NaN) });
    opt.step();
    expect(() => opt.step()).toThrow('SGD: the learning-rate schedule gave the number NaN at step 1');
  });
});

describe('optimizer construction', () => {
  test('refuses an empty list, duplicates and non-parameters', () => {
    expect(() => new SGD([])).toThrow('SGD: got an empty parameter list');
    const w = value(1);
    expect(() => new Adam([w, w])).toThrow('Adam: parameters 0 and 1 are the same object');
    expect(() => new RMSprop([1 as never])).toThrow(
      'RMSprop: parameter 0 must be a Value or a Tensor, got the number 1',
    );
    expect(() => new SGD([w], { lr: -1 })).toThrow('SGD: lr must be in [0, ∞), got -1');
  });
});

describe('optimizer state', () => {
  const makers: [string, (ps: Value[]) => Optimizer][] = [
    [
      'SGD',
      (ps) => new SGD(ps, { lr: (s) => 0.05 * 0.9 ** s, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }),
    ],
    ['Adam', (ps) => new Adam(ps, { lr: 0.05, amsgrad: true })],
    ['AdamW', (ps) => new AdamW(ps, { lr: 0.05 })],
    ['RMSprop', (ps) => new RMSprop(ps, { lr: 0.01, momentum: 0.5, centered: true })],
  ];

  /** A small non-quadratic loss over three parameters. */
  function lossOf([a, b, c]: Value[]): Value {
    return a!.mul(b!).tanh().add(c!.sub(0.3).pow(2)).add(a!.mul(a!).mul(0.5)).add(b!.sub(c!).exp());
  }

  function run(ps: Value[], opt: Optimizer, steps: number): void {
    for (let i = 0; i < steps; i++) {
      opt.zeroGrad();
      lossOf(ps).backward();
      opt.step();
    }
  }

  test.each(makers)('%s resumes from saved state bit for bit', (_, make) => {
    const start = [0.7, -1.1, 0.4];
    const ps = start.map((v) => value(v));
    const opt = make(ps);
    run(ps, opt, 6);
    const saved = JSON.stringify({ params: ps.map((p) => p.data), opt: opt.stateDict() });
    run(ps, opt, 7);

    const restored = JSON.parse(saved) as { params: number[]; opt: unknown };
    const qs = restored.params.map((v) => value(v));
    const opt2 = make(qs);
    opt2.loadStateDict(restored.opt);
    run(qs, opt2, 7);
    expectBitIdentical(
      qs.map((q) => q.data),
      ps.map((p) => p.data),
    );
    expect(opt2.stateDict()).toEqual(opt.stateDict());
  });

  test('refuses state of another optimizer, a wrong count, a bad buffer, and changes nothing', () => {
    const ps = [value(1), value(2)];
    const adam = new Adam(ps, { lr: 0.1 });
    ps.forEach((p) => {
      p.grad = 1;
    });
    adam.step();
    const before = JSON.stringify(adam.stateDict());
    const good = adam.stateDict();

    const cases: [unknown, string][] = [
      [new SGD(ps).stateDict(), "'optimizer' is the string \"SGD\", expected the string 'Adam'"],
      [{ ...good, params: [good.params[0]] }, "'params' has 1 entries, but this optimizer has 2 parameters"],
      [
        { ...good, params: [good.params[0], { ...good.params[1], expAvg: [Number.NaN] }] },
        'params[1].expAvg[0] must be a finite number, got NaN',
      ],
      [
        { ...good, params: [good.params[0], { ...good.params[1], expAvgSq: [1, 2] }] },
        'params[1].expAvgSq has 2 numbers, expected 1',
      ],
      [{ ...good, stepCount: -1 }, "'stepCount' must be an integer >= 0, got the number -1"],
      [
        JSON.parse(
          `{"__proto__": {"polluted": 1}, "optimizer": "Adam", "stepCount": 1, "params": [null, null]}`,
        ),
        "has a key '__proto__', which is not allowed",
      ],
      [{ ...good, lr: 0.5 }, "unknown key 'lr'"],
      ['state', 'expected a plain object { optimizer, stepCount, params }, got the string "state"'],
    ];
    for (const [input, message] of cases) {
      expect(() => adam.loadStateDict(input)).toThrow(StateDictError);
      expect(() => adam.loadStateDict(input)).toThrow(message);
      expect(JSON.stringify(adam.stateDict())).toBe(before);
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('optimizer state values are read once', () => {
  function trainedAdam() {
    const p = fakeTensor([1, -2, 3]);
    const adam = new Adam([p], { lr: 0.1 });
    p.grad = { data: Float64Array.from([0.5, 1, -1]) };
    adam.step();
    return adam;
  }

  test('loadStateDict refuses a buffer element that is a getter, naming it, and changes nothing', () => {
    const adam = trainedAdam();
    const before = JSON.stringify(adam.stateDict());
    const good = adam.stateDict();
    const entry = { ...good.params[0], expAvg: arrayWithGetter([0.1, 0.2, 0.3], 1, 0.5) };
    expect(() => adam.loadStateDict({ ...good, params: [entry] })).toThrow(StateDictError);
    expect(JSON.stringify(adam.stateDict())).toBe(before);
    const again = { ...good.params[0], expAvg: arrayWithGetter([0.1, 0.2, 0.3], 1, 0.5) };
    expect(() => adam.loadStateDict({ ...good, params: [again] })).toThrow(
      'params[0].expAvg[1] is an accessor, not plain data',
    );
  });

  test('loadStateDict refuses a params entry that is a getter', () => {
    const adam = trainedAdam();
    const good = adam.stateDict();
    const params: unknown[] = [];
    Object.defineProperty(params, 0, { enumerable: true, get: () => good.params[0] });
    expect(() => adam.loadStateDict({ ...good, params })).toThrow('params[0] is an accessor, not plain data');
  });

  test('loadStateDict restores the values of a single read from a Proxy that changes on a second read', () => {
    const adam = trainedAdam();
    const good = adam.stateDict();
    const entry = { ...good.params[0], expAvg: arrayChangingOnReread([0.1, 0.2, 0.3]) };
    try {
      adam.loadStateDict({ ...good, params: [entry] });
    } catch (e) {
      expect(e).toBeInstanceOf(StateDictError);
    }
    const saved = adam.stateDict().params[0] as Record<string, number[]>;
    expect(saved['expAvg']!.every(Number.isFinite)).toBe(true);
    expect([good.params[0]!['expAvg'], [0.1, 0.2, 0.3]]).toContainEqual(saved['expAvg']);
  });
});
