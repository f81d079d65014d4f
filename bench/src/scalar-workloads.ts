// The scalar workloads of issue 19, written once over a minimal scalar interface, so that chainrule's
// Value and the naive closure engine (naive-value.js) run the same operations in the same order.

import { createRng, noGrad, type Value, value } from '@chainrule/engine';
import { makeMoons, ScalarMLP } from '@chainrule/nn';
import { NaiveValue } from './naive-value.js';

/** What a workload needs of a scalar node. */
export interface Scalar<S> {
  data: number;
  add(b: S | number): S;
  mul(b: S | number): S;
  sub(b: S | number): S;
  tanh(): S;
  relu(): S;
}

/** A scalar of either engine, for code that runs both. */
export interface AnyScalar extends Scalar<AnyScalar> {}

/** An engine: how to make a leaf, backpropagate, read gradients and take a second derivative. */
export interface Engine<S extends Scalar<S>> {
  name: string;
  leaf(x: number): S;
  backward(root: S): void;
  grad(x: S): number;
  zeroGrad(x: S): void;
  /** d²root/dx² at the leaf `x`: a recorded backward pass, then a backward pass of the gradient. */
  secondDerivative(root: S, x: S): number;
  /** Runs `fn` without recording (parameter updates). */
  quiet<T>(fn: () => T): T;
}

export const chainruleEngine: Engine<Value> = {
  name: 'chainrule',
  leaf: (x) => value(x),
  backward: (root) => root.backward(),
  grad: (x) => x.grad,
  zeroGrad: (x) => x.zeroGrad(),
  secondDerivative(root, x) {
    root.backward({ createGraph: true });
    const dx = x.gradValue!;
    x.zeroGrad();
    dx.backward();
    return x.grad;
  },
  quiet: noGrad,
};

export const naiveEngine: Engine<NaiveValue> = {
  name: 'naive closures',
  leaf: (x) => new NaiveValue(x),
  backward: (root) => root.backward(),
  grad: (x) => x.grad,
  zeroGrad: (x) => {
    x.grad = 0;
  },
  secondDerivative(root, x) {
    root.backward(true);
    const dx = x.gradNode!;
    x.grad = 0;
    dx.backward();
    return x.grad;
  },
  quiet: (fn) => fn(),
};

/** Both engines, chainrule first, typed alike. */
export const engines = [chainruleEngine, naiveEngine] as unknown as readonly Engine<AnyScalar>[];

/**
 * micrograd's demo: make_moons(100, noise 0.1), a 2-16-16-1 MLP (relu hidden, linear score) with
 * chainrule's ScalarMLP initial weights, loss mean(relu(1 − y·score)) + 1e-4·Σ p², `steps` full-batch
 * SGD steps with the learning rate 1 − 0.9·step/100. Returns the losses, one per step.
 */
export function moonsDemo<S extends Scalar<S>>(engine: Engine<S>, steps: number): number[] {
  const data = makeMoons(100, { noise: 0.1, seed: 1 });
  const ys = data.y.map((label) => 2 * label - 1);
  const initial = new ScalarMLP(2, [16, 16, 1], { seed: 1 });
  // per layer, per neuron: weights then bias, as ScalarMLP lists its parameters
  const layers = initial.layers.map((layer) =>
    layer.neurons.map((n) => ({
      w: n.weights.map((w) => engine.leaf(w.data)),
      b: engine.leaf(n.bias.data),
    })),
  );
  const params = layers.flatMap((l) => l.flatMap((n) => [...n.w, n.b]));
  const forward = (row: readonly number[]): S => {
    let h: (S | number)[] = row.slice();
    layers.forEach((layer, k) => {
      h = layer.map((n) => {
        let act = n.b;
        n.w.forEach((w, i) => {
          act = act.add(w.mul(h[i]!));
        });
        return k === layers.length - 1 ? act : act.relu();
      });
    });
    return h[0] as S;
  };
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const scores = data.x.map(forward);
    let hinge = scores[0]!.mul(-ys[0]!).add(1).relu();
    for (let i = 1; i < scores.length; i++) hinge = hinge.add(scores[i]!.mul(-ys[i]!).add(1).relu());
    let reg = params[0]!.mul(params[0]!);
    for (let i = 1; i < params.length; i++) reg = reg.add(params[i]!.mul(params[i]!));
    const loss = hinge.mul(1 / scores.length).add(reg.mul(1e-4));
    for (const p of params) engine.zeroGrad(p);
    engine.backward(loss);
    const lr = 1 - (0.9 * step) / 100;
    engine.quiet(() => {
      for (const p of params) p.data -= lr * engine.grad(p);
    });
    losses.push(loss.data);
  }
  return losses;
}

/** x → tanh → tanh → …, `length` deep, then backward; returns x's gradient. */
export function tanhChain<S extends Scalar<S>>(engine: Engine<S>, length: number): number {
  const x = engine.leaf(0.5);
  let v = x;
  for (let i = 0; i < length; i++) v = v.tanh();
  engine.backward(v);
  return engine.grad(x);
}

/**
 * scalar.ts's random DAG: 100 leaves, then ops on the node made just before and, for binary ops, an
 * earlier node drawn at random; tanh or relu every other step. Built and backpropagated; returns the
 * sum of the leaves' gradients.
 */
export function randomDag<S extends Scalar<S>>(engine: Engine<S>, size: number, seed: number): number {
  const rng = createRng(seed);
  const made: S[] = [];
  for (let i = 0; i < 100; i++) made.push(engine.leaf(rng.uniform(-1, 1)));
  while (made.length < size) {
    const last = made[made.length - 1]!;
    const other = made[rng.int(made.length)]!;
    const r = rng.next();
    let next: S;
    if (made.length % 2 === 0) next = r < 0.8 ? last.tanh() : last.relu();
    else if (r < 0.4) next = last.add(other);
    else if (r < 0.8) next = last.mul(other);
    else next = last.sub(other);
    made.push(next);
  }
  engine.backward(made[made.length - 1]!);
  let sum = 0;
  for (let i = 0; i < 100; i++) sum += engine.grad(made[i]!);
  return sum;
}

/**
 * The second derivative of an expression of about `size` nodes in one leaf x: v ← tanh(v·c + x) with
 * constants c from a seeded generator, three nodes a step, so x feeds every step.
 */
export function secondDerivative<S extends Scalar<S>>(engine: Engine<S>, size: number): number {
  const rng = createRng(7);
  const x = engine.leaf(0.3);
  let v = x;
  for (let i = 0; i < size / 3; i++) v = v.mul(rng.uniform(0.5, 1.5)).add(x).tanh();
  return engine.secondDerivative(v, x);
}
